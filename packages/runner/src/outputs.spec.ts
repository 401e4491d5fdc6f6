import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicStream } from './outputs.js'

const scratch = () => mkdtemp(join(tmpdir(), 'outputs-'))

describe('an atomic output file', () => {
  it('appears under its name only when committed, and not at all when aborted', async () => {
    const dir = await scratch()
    const kept = await AtomicStream.open(join(dir, 'kept.ndjson'))
    await kept.write('a\n')
    expect(existsSync(join(dir, 'kept.ndjson'))).toBe(false)
    await kept.commit()
    const dropped = await AtomicStream.open(join(dir, 'dropped.ndjson'))
    await dropped.write('b\n')
    await dropped.abort()
    expect(await readdir(dir)).toEqual(['kept.ndjson'])
    expect(await readFile(join(dir, 'kept.ndjson'), 'utf8')).toBe('a\n')
  })

  it('reports a write that fails (its folder vanished) as a rejection, never as an uncaught exception', async () => {
    const dir = await scratch()
    const file = await AtomicStream.open(join(dir, 'sub', 'out.ndjson'))
    await rm(join(dir, 'sub'), { recursive: true })
    const uncaught: unknown[] = []
    const record = (e: unknown) => uncaught.push(e)
    process.on('uncaughtException', record)
    try {
      const big = 'x'.repeat(8 * 1024 * 1024)
      await expect((async () => {
        await file.write(big)
        await file.write(big)
        await file.commit()
      })()).rejects.toMatchObject({ code: 'ENOENT' })
      await new Promise((r) => setTimeout(r, 50))
      expect(uncaught).toEqual([])
      await file.abort()
    } finally {
      process.off('uncaughtException', record)
    }
  })

  it('lets many writers wait for the disk with one listener: no MaxListenersExceededWarning', async () => {
    const dir = await scratch()
    const file = await AtomicStream.open(join(dir, 'busy.ndjson'))
    const warnings: Error[] = []
    const record = (w: Error) => warnings.push(w)
    process.on('warning', record)
    try {
      const chunk = 'y'.repeat(1024 * 1024)
      await Promise.all(Array.from({ length: 40 }, () => file.write(chunk)))
      await file.commit()
      await new Promise((r) => setTimeout(r, 20))
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')
      expect((await readFile(join(dir, 'busy.ndjson'))).length).toBe(40 * 1024 * 1024)
    } finally {
      process.off('warning', record)
    }
  })
})

describe('an atomic output file that broke', () => {
  it('reports the error that broke it at commit, not the secondary "stream was destroyed"', async () => {
    const dir = await scratch()
    const file = await AtomicStream.open(join(dir, 'x.ndjson'))
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    ;(file as unknown as { stream: { destroy(e: Error): void } }).stream.destroy(full)
    await expect(file.commit()).rejects.toMatchObject({ code: 'ENOSPC' })
    await expect(file.write('y')).rejects.toMatchObject({ code: 'ENOSPC' })
    await file.abort()
  })
})
