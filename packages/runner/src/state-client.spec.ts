import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StateWorker } from './state-client.js'

const users = (...ids: string[]) => ids.map((id) => ({ id, record: JSON.stringify({ id }) }))
const dir = () => mkdtempSync(join(tmpdir(), 'state-worker-'))

describe('the state store on its own thread', () => {
  it('stages, compares, pages through the vanished and swaps, in call order', async () => {
    const state = await StateWorker.open(join(dir(), 'state.db'))
    try {
      const first = await state.beginStaging('c', 'a')
      for (let page = 0; page < 20; page++) await state.stage(first, users(...Array.from({ length: 50 }, (_, i) => `u${page * 50 + i}`)))
      await state.commitStaging(first, '1')
      const second = await state.beginStaging('c', 'a')
      // Not awaited one by one: the compare that follows still sees every page.
      await Promise.all([state.stage(second, users('u0', 'u1')), state.stage(second, users('u2'))])
      expect(await state.compare(second, '1')).toEqual({ previous: 1000, vanished: 997 })
      const page = await state.vanishedPage(second, '1', 0, 3)
      expect(page.users.map((u) => u.id)).toEqual(['u3', 'u4', 'u5'])
      expect((await state.vanishedPage(second, '1', page.last, 3)).users.map((u) => u.id)).toEqual(['u6', 'u7', 'u8'])
    } finally {
      await state.close()
    }
  })

  it('refuses to open where no database can be, saying why', async () => {
    const file = join(dir(), 'not-a-dir')
    writeFileSync(file, 'x')
    await expect(StateWorker.open(join(file, 'state.db'))).rejects.toThrow(new RegExp(`^cannot open the state database ${join(file, 'state.db')}: EEXIST.*; give a writable file with --state`))
  })

  it('opens on a thread started ahead; a failure to open there reads the same', async () => {
    StateWorker.prewarm()
    await new Promise((resolve) => setTimeout(resolve, 200))
    const state = await StateWorker.open(join(dir(), 'state.db'))
    try {
      const staging = await state.beginStaging('c', 'a')
      await state.stage(staging, users('u1'))
      await state.commitStaging(staging, '1')
      expect((await state.snapshot('c', '1')).map((u) => u.id)).toEqual(['u1'])
    } finally {
      await state.close()
    }
    const file = join(dir(), 'not-a-dir')
    writeFileSync(file, 'x')
    StateWorker.prewarm()
    await expect(StateWorker.open(join(file, 'state.db'))).rejects.toThrow(new RegExp(`^cannot open the state database ${join(file, 'state.db')}: EEXIST.*; give a writable file with --state`))
  })

  it("reports a failed write at that staging's next call that waits, and only there: other units go on", async () => {
    const state = await StateWorker.open(join(dir(), 'state.db'))
    try {
      const other = await state.beginStaging('c', 'b')
      const staging = await state.beginStaging('c', 'a')
      await state.discardStaging(staging)
      await state.stage(staging, users('u1'))
      await state.stage(other, users('u2'))
      await expect(state.compare(staging, '1')).rejects.toThrow(/state store: .*no such table/)
      await state.commitStaging(other, '2')
      const next = await state.beginStaging('c', 'b')
      expect(await state.compare(next, '2')).toEqual({ previous: 1, vanished: 1 })
    } finally {
      await state.close()
    }
  })
})
