import { afterEach, describe, expect, it, vi } from 'vitest'
import { createProgress, type ProgressOptions, type ProgressUnit } from './progress.js'

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g
const strip = (s: string): string => s.replace(ANSI, '')
const width = (line: string): number => [...line].length

/**
 * A fake terminal: records every write and also applies the cursor moves and erasures log-update sends, so a test
 * sees what is on screen (log-update writes only the changed lines of a frame, not the whole frame each time).
 */
function terminal(size: { columns?: number; rows?: number } = { columns: 60, rows: 10 }) {
  const writes: string[] = []
  const screen: string[] = ['']
  let row = 0
  let col = 0
  const apply = (s: string): void => {
    for (const [all, arg = '', cmd] of s.matchAll(/\u001b\[([0-9;?]*)([A-Za-z])|\n|[^\u001b\n]+/g)) {
      if (all === '\n') {
        row++
        col = 0
      } else if (cmd === undefined) {
        const line = screen[row] ?? ''
        screen[row] = line.slice(0, col).padEnd(col) + all + line.slice(col + all.length)
        col += all.length
      } else if (cmd === 'A') row = Math.max(0, row - Number(arg || 1))
      else if (cmd === 'B') row += Number(arg || 1)
      else if (cmd === 'G') col = 0
      else if (cmd === 'K') screen[row] = arg === '2' ? '' : (screen[row] ?? '').slice(0, col)
      // Other sequences (colours, synchronized output, cursor visibility) leave the text as it is.
      while (screen.length <= row) screen.push('')
    }
  }
  const stream = {
    isTTY: true,
    ...size,
    write(s: string) {
      writes.push(s)
      apply(s)
      return true
    },
  }
  /** The screen's lines, without the empty ones below the last text. */
  const lines = (): string[] => {
    const out = [...screen]
    while (out.length > 0 && out.at(-1) === '') out.pop()
    return out
  }
  return { stream, writes, lines, cursor: () => row }
}

function clock() {
  let t = 0
  return { now: () => t, tick: (ms: number) => void (t += ms) }
}

const units = (n: number): ProgressUnit[] => Array.from({ length: n }, (_, i) => ({ unit: `acct-${i}`, connector: 'aws-iam' }))

function setup(n: number, opts: Partial<ProgressOptions> = {}, size?: { columns?: number; rows?: number }) {
  const term = terminal(size)
  const time = clock()
  const progress = createProgress({ units: units(n), stream: term.stream, live: true, color: false, now: time.now, ...opts })
  return { ...term, ...time, progress }
}

/** 60 units started with 10 users each, the first 10 done with 12 users each: 50 running; 11.6 s of fake time. */
function busyRun(n: number, size?: { columns?: number; rows?: number }) {
  const run = setup(n, {}, size)
  const { progress, tick } = run
  for (let i = 0; i < 60; i++) {
    tick(10)
    progress.update(`acct-${i}`, { type: 'started' })
    progress.update(`acct-${i}`, { type: 'page', entity: 'users', records: 10 })
    progress.update(`acct-${i}`, { type: 'apiCall', operation: 'iam:ListUsers' })
  }
  for (let i = 0; i < 10; i++) {
    tick(1000)
    progress.update(`acct-${i}`, { type: 'done', status: 'ok', users: 12 })
  }
  tick(1000)
  // An older unit becomes the most recently active one.
  progress.update('acct-20', { type: 'throttled', operation: 'iam:ListUsers' })
  return run
}

afterEach(() => {
  vi.useRealTimers()
})

describe('live mode', () => {
  it('never draws more than the terminal holds, with 500 units and 50 running', () => {
    const { writes, lines, cursor } = busyRun(500)
    expect(writes.length).toBeGreaterThan(5)
    for (const w of writes) {
      const written = strip(w).split('\n').slice(0, -1)
      expect(written.length).toBeLessThanOrEqual(9)
      for (const l of written) expect(width(l)).toBeLessThanOrEqual(60)
    }
    const screen = lines()
    expect(screen).toHaveLength(9)
    for (const l of screen) expect(width(l)).toBeLessThanOrEqual(60)
    // The cursor sits on the last row: nothing scrolled, so the next redraw reaches the frame's first line.
    expect(cursor()).toBe(9)
    expect(screen[0]).toMatch(/^10\/500 done · 50 running · 0 failed · 620 users · .*…$/)
    expect(width(screen[0] ?? '')).toBe(60)
    // Most recently active first, then the next ones down; 7 listed, the other 43 counted.
    expect(screen[1]).toBe('aws-iam/acct-20  1 pages · 10 users · 1 calls · 1 throttled')
    expect(screen[2]).toBe('aws-iam/acct-59  1 pages · 10 users · 1 calls · 0 throttled')
    expect(screen[7]).toMatch(/^aws-iam\/acct-54 {2}/)
    expect(screen[8]).toBe('… and 43 more running')
  })

  it('fits the default 80×24 when the stream does not know its size', () => {
    const { lines, writes } = busyRun(500, {})
    const screen = lines()
    expect(screen).toHaveLength(23)
    expect(screen[22]).toBe('… and 29 more running')
    for (const w of writes) for (const l of strip(w).split('\n')) expect(width(l)).toBeLessThanOrEqual(80)
  })

  it('summarises counts, users, elapsed time and ETA', () => {
    const { lines, progress, tick } = busyRun(500, { columns: 120, rows: 10 })
    // 11.6 s for 10 of 500 units: 490 more at that rate take 568.4 s.
    expect(lines()[0]).toBe('10/500 done · 50 running · 0 failed · 620 users · 0:12 · ETA 9:28')
    tick(100)
    progress.update('acct-10', { type: 'done', status: 'failed', users: 0 })
    tick(100)
    progress.update('acct-11', { type: 'done', status: 'interrupted', users: 0 })
    tick(100)
    progress.update('acct-12', { type: 'done', status: 'held', users: 12 })
    tick(100)
    progress.update('acct-13', { type: 'done', status: 'partial', users: 4 })
    // 10 + 10 + 2 users of the units that ended replace their 4 × 10 from pages; 12 s for 14: 486 more take 416.6 s.
    expect(lines()[0]).toBe('14/500 done · 46 running · 2 failed · 1 held · 1 partial · 596 users · 0:12 · ETA 6:57')
  })

  it('shows ETA – until a unit has finished', () => {
    const { lines, progress } = setup(3, {}, { columns: 120, rows: 10 })
    progress.update('acct-0', { type: 'started' })
    expect(lines()[0]).toBe('0/3 done · 1 running · 0 failed · 0 users · 0:00 · ETA –')
  })

  it('counts users from pages while running and the final count once done, never both', () => {
    const { lines, progress, tick } = setup(2, {}, { columns: 120, rows: 10 })
    progress.update('acct-0', { type: 'started' })
    progress.update('acct-0', { type: 'page', entity: 'users', records: 5 })
    progress.update('acct-0', { type: 'page', entity: 'users', records: 7 })
    progress.update('acct-0', { type: 'page', entity: 'groups', records: 100 })
    progress.update('acct-1', { type: 'page', entity: 'users', records: 3 })
    tick(100)
    progress.update('acct-1', { type: 'apiCall', operation: 'x' })
    expect(lines()[0]).toMatch(/ 15 users /)
    expect(lines()).toContain('aws-iam/acct-0  3 pages · 12 users · 0 calls · 0 throttled')
    tick(100)
    progress.update('acct-0', { type: 'done', status: 'ok', users: 11 })
    expect(lines()[0]).toMatch(/^1\/2 done · 1 running · .* 14 users /)
    // Late events of a finished unit change nothing.
    progress.update('acct-0', { type: 'page', entity: 'users', records: 50 })
    tick(100)
    progress.update('acct-1', { type: 'done', status: 'ok', users: 4 })
    expect(lines()[0]).toMatch(/^2\/2 done · 0 running · .* 15 users /)
  })

  it('draws at most every 100 ms, and the last unit’s end at once', () => {
    const { writes, lines, progress, tick } = setup(2)
    for (let i = 0; i < 100; i++) {
      progress.update(`acct-${i % 2}`, { type: 'apiCall', operation: 'x' })
      tick(0.5)
    }
    expect(writes.length).toBeGreaterThanOrEqual(1)
    expect(writes.length).toBeLessThanOrEqual(2)
    const before = writes.length
    progress.update('acct-0', { type: 'done', status: 'ok', users: 1 })
    expect(writes.length).toBe(before)
    progress.update('acct-1', { type: 'done', status: 'ok', users: 2 })
    expect(writes.length).toBe(before + 1)
    expect(lines()[0]).toMatch(/^2\/2 done · 0 running · 0 failed · 3 users /)
  })

  it('draws a throttled event shortly after, without waiting for the next one', () => {
    vi.useFakeTimers()
    const { writes, lines, progress, tick } = setup(2, {}, { columns: 120, rows: 10 })
    progress.update('acct-0', { type: 'started' })
    tick(10)
    progress.update('acct-0', { type: 'page', entity: 'users', records: 9 })
    expect(writes).toHaveLength(1)
    tick(90)
    vi.advanceTimersByTime(90)
    expect(writes).toHaveLength(2)
    expect(lines()[0]).toMatch(/ 9 users /)
    progress.finish()
  })

  it('writes log lines above the frame and redraws the frame after them', () => {
    const { writes, lines, cursor, progress } = setup(2)
    progress.update('acct-0', { type: 'started' })
    progress.log('warn: slow account\n')
    progress.log('info: no newline')
    const at = writes.findIndex((w) => w.includes('warn: slow account'))
    expect(at).toBeGreaterThan(0)
    expect(writes.slice(at + 1).some((w) => strip(w).includes('0/2 done'))).toBe(true)
    expect(lines()).toEqual([
      'warn: slow account',
      'info: no newline',
      '0/2 done · 1 running · 0 failed · 0 users · 0:00 · ETA –',
      'aws-iam/acct-0  0 pages · 0 users · 0 calls · 0 throttled',
    ])
    expect(cursor()).toBe(4)
  })

  it('colours the status words when asked, and only then', () => {
    const coloured = setup(3, { color: true }, { columns: 120, rows: 10 })
    coloured.progress.update('acct-0', { type: 'done', status: 'failed', users: 0 })
    coloured.progress.update('acct-1', { type: 'done', status: 'held', users: 1 })
    coloured.progress.update('acct-2', { type: 'done', status: 'ok', users: 1 })
    expect(coloured.writes.join('')).toContain('\u001b[31mfailed\u001b[39m')
    expect(coloured.writes.join('')).toContain('\u001b[33mheld\u001b[39m')
    coloured.progress.finish()
    expect(coloured.writes.at(-1)).toContain('\u001b[32mok\u001b[39m')

    const plain = setup(3, { color: false }, { columns: 120, rows: 10 })
    plain.progress.update('acct-0', { type: 'done', status: 'failed', users: 0 })
    plain.progress.finish()
    expect(plain.writes.join('')).not.toMatch(/\u001b\[\d+m/)
  })

  it('replaces the frame by a one-line total on finish, once', () => {
    const { writes, lines, cursor, progress, tick } = setup(3)
    progress.update('acct-0', { type: 'started' })
    tick(65_000)
    progress.update('acct-0', { type: 'done', status: 'ok', users: 7 })
    progress.update('acct-1', { type: 'done', status: 'partial', users: 2 })
    progress.finish()
    const count = writes.length
    progress.finish()
    progress.update('acct-2', { type: 'done', status: 'ok', users: 1 })
    expect(writes).toHaveLength(count)
    expect(lines()).toEqual(['sync: 2/3 done in 1:05 · 1 ok · 1 partial · 9 users'])
    expect(cursor()).toBe(1)
    // After the end, log lines are written as they are.
    progress.log('bye\n')
    expect(writes.at(-1)).toBe('bye\n')
  })

  it('ignores unknown units', () => {
    const { writes, progress } = setup(1)
    progress.update('nobody', { type: 'started' })
    progress.update('nobody', { type: 'done', status: 'ok', users: 1 })
    expect(writes).toEqual([])
  })
})

describe('plain mode', () => {
  it('writes one exact line per finished unit and no escape sequence', () => {
    const { writes, progress, tick } = setup(4, { live: false })
    tick(500)
    progress.update('acct-0', { type: 'started' })
    progress.update('acct-0', { type: 'page', entity: 'users', records: 120 })
    tick(1200)
    progress.update('acct-0', { type: 'done', status: 'ok', users: 120, fix: 'ignored when ok' })
    progress.update('acct-1', { type: 'done', status: 'failed', users: 0, fix: 'check the role ARN' })
    progress.log('a log line\n')
    progress.update('acct-2', { type: 'done', status: 'interrupted', users: 3 })
    progress.update('nobody', { type: 'done', status: 'ok', users: 1 })
    progress.finish()
    progress.finish()
    expect(writes).toEqual([
      '[1/4] ok      aws-iam/acct-0: 120 users (1.2 s)\n',
      '[2/4] failed  aws-iam/acct-1: 0 users (1.7 s) — check the role ARN\n',
      'a log line\n',
      '[3/4] interrupted aws-iam/acct-2: 3 users (1.7 s)\n',
    ])
    expect(writes.join('')).not.toContain('\u001b')
  })

  it('colours the status word when asked', () => {
    const { writes, progress } = setup(2, { live: false, color: true })
    progress.update('acct-0', { type: 'done', status: 'partial', users: 1, fix: 'grant iam:ListGroups' })
    progress.update('acct-1', { type: 'done', status: 'ok', users: 2 })
    expect(writes).toEqual([
      '[1/2] \u001b[33mpartial\u001b[39m aws-iam/acct-0: 1 users (0.0 s) — grant iam:ListGroups\n',
      '[2/2] \u001b[32mok\u001b[39m      aws-iam/acct-1: 2 users (0.0 s)\n',
    ])
  })
})
