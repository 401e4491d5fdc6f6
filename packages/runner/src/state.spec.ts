import Database from 'better-sqlite3'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StateStore, type RememberedUser, type Staging } from './state.js'

const users = (...ids: string[]) => ids.map((id) => ({ id, record: JSON.stringify({ id }) }))

/** Every vanished user, read page by page. */
function vanished(state: StateStore, staging: Staging, account: string, pageSize = 5000): RememberedUser[] {
  const out: RememberedUser[] = []
  for (let after = 0; ; ) {
    const page = state.vanishedPage(staging, account, after, pageSize)
    out.push(...page.users)
    if (page.users.length < pageSize) return out
    after = page.last
  }
}

describe('the state store', () => {
  it('swaps a complete sync in and reports, page by page, who vanished since the last one', () => {
    const state = new StateStore(':memory:')
    const first = state.beginStaging('c', 'unit-a')
    state.stage(first, users('u1', 'u2', 'u3'))
    expect(state.compare(first, '111')).toEqual({ previous: 0, vanished: 0 })
    state.commitStaging(first, '111')

    const second = state.beginStaging('c', 'unit-a')
    state.stage(second, users('u2'))
    state.stage(second, users('u4'))
    expect(state.compare(second, '111')).toEqual({ previous: 3, vanished: 2 })
    expect(vanished(state, second, '111', 1).map((u) => u.id)).toEqual(['u1', 'u3'])
    state.commitStaging(second, '111')
    const third = state.beginStaging('c', 'unit-a')
    expect(state.compare(third, '111')).toEqual({ previous: 2, vanished: 2 })
    expect(vanished(state, third, '111').map((u) => JSON.parse(u.record))).toEqual([{ id: 'u2' }, { id: 'u4' }])
    state.close()
  })

  it('keeps accounts and connectors apart', () => {
    const state = new StateStore(':memory:')
    for (const [connector, unit, account] of [['c', 'a', '1'], ['c', 'b', '2'], ['d', 'a', '1']] as const) {
      const staging = state.beginStaging(connector, unit)
      state.stage(staging, users(`${connector}-${unit}`))
      state.commitStaging(staging, account)
    }
    const staging = state.beginStaging('c', 'a')
    expect(state.compare(staging, '1')).toEqual({ previous: 1, vanished: 1 })
    expect(vanished(state, staging, '1').map((u) => u.id)).toEqual(['c-a'])
    state.close()
  })

  it('drops what an interrupted or incomplete sync staged, leaving the snapshot as it was', () => {
    const state = new StateStore(':memory:')
    const first = state.beginStaging('c', 'a')
    state.stage(first, users('u1', 'u2'))
    state.commitStaging(first, '1')
    // A run that stopped half-way left staged rows behind; the next run of the unit starts clean.
    state.stage(state.beginStaging('c', 'a'), users('u1'))
    const restarted = state.beginStaging('c', 'a')
    expect(state.compare(restarted, '1')).toEqual({ previous: 2, vanished: 2 })
    state.stage(restarted, users('u1'))
    state.discardStaging(restarted)
    expect(vanished(state, state.beginStaging('c', 'a'), '1').map((u) => u.id)).toEqual(['u1', 'u2'])
    state.close()
  })

  it('takes over the single snapshot table of a state file written by an earlier runner', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'state-')), 'state.db')
    const old = new Database(path)
    old.exec('CREATE TABLE snapshot (connector TEXT NOT NULL, account TEXT NOT NULL, user_id TEXT NOT NULL, record TEXT NOT NULL)')
    const insert = old.prepare('INSERT INTO snapshot VALUES (?, ?, ?, ?)')
    for (const [account, id] of [['1', 'u1'], ['1', 'u2'], ['2', 'u3']]) insert.run('c', account, id, JSON.stringify({ id }))
    old.close()
    const state = new StateStore(path)
    const staging = state.beginStaging('c', 'a')
    state.stage(staging, users('u2'))
    expect(vanished(state, staging, '1').map((u) => u.id)).toEqual(['u1'])
    expect(state.compare(state.beginStaging('c', 'b'), '2')).toEqual({ previous: 1, vanished: 1 })
    state.close()
    // Reopening finds the migrated tables, not a second migration.
    const again = new StateStore(path)
    expect(again.compare(again.beginStaging('c', 'x'), '1')).toEqual({ previous: 2, vanished: 2 })
    again.close()
  })

  it('numbers its schema, takes over a file from before the numbering, and refuses one a newer runner wrote', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'state-')), 'state.db')
    const first = new StateStore(path)
    const staging = first.beginStaging('c', 'a')
    first.stage(staging, users('u1'))
    first.commitStaging(staging, '1')
    first.close()
    // A file written before the numbering: the tables of steps 1 and 2, user_version 0.
    const raw = new Database(path)
    expect(raw.pragma('user_version', { simple: true })).toBe(3)
    raw.exec('DROP INDEX history_run; ALTER TABLE history DROP COLUMN run_id; ALTER TABLE history DROP COLUMN unit; ALTER TABLE history DROP COLUMN envelope')
    raw.pragma('user_version = 0')
    raw.close()
    const reopened = new StateStore(path)
    expect(reopened.snapshot('c', '1').map((u) => u.id)).toEqual(['u1'])
    reopened.close()
    const newer = new Database(path)
    expect(newer.pragma('user_version', { simple: true })).toBe(3)
    newer.pragma('user_version = 9')
    newer.close()
    expect(() => new StateStore(path)).toThrow(/schema version 9 is newer than this runner's 3/)
  })
})

describe('the departed users', () => {
  const since = (iso: string) => iso
  it('remembers who left a complete sync, restates them until the retention window ends, and forgets those who come back', () => {
    const state = new StateStore(':memory:')
    const first = state.beginStaging('c', 'a')
    state.stage(first, users('u1', 'u2', 'u3'))
    state.commitStaging(first, '1', undefined, { at: '2026-01-01T00:00:00.000Z', retainSince: since('2025-10-01T00:00:00.000Z') })
    const second = state.beginStaging('c', 'a')
    state.stage(second, users('u1'))
    state.commitStaging(second, '1', undefined, { at: '2026-01-02T00:00:00.000Z', retainSince: since('2025-10-02T00:00:00.000Z') })
    // u2 and u3 departed on Jan 2; a later sync still states them while they are within the window.
    const third = state.beginStaging('c', 'a')
    state.stage(third, users('u1', 'u3'))
    expect(state.retainedPage(third, '1', '2025-12-01T00:00:00.000Z', 0, 10).users.map((u) => [u.id, u.deletedAt])).toEqual([['u2', '2026-01-02T00:00:00.000Z']])
    expect(state.retainedPage(third, '1', '2026-02-01T00:00:00.000Z', 0, 10).users).toEqual([])
    // u3 came back: it is forgotten as departed; once the window passes, u2 is forgotten too.
    state.commitStaging(third, '1', undefined, { at: '2026-01-03T00:00:00.000Z', retainSince: since('2025-10-03T00:00:00.000Z') })
    const fourth = state.beginStaging('c', 'a')
    state.stage(fourth, users('u1', 'u3'))
    expect(state.retainedPage(fourth, '1', '2025-01-01T00:00:00.000Z', 0, 10).users.map((u) => u.id)).toEqual(['u2'])
    state.commitStaging(fourth, '1', undefined, { at: '2026-04-10T00:00:00.000Z', retainSince: since('2026-01-10T00:00:00.000Z') })
    expect(state.retainedPage(state.beginStaging('c', 'a'), '1', '2025-01-01T00:00:00.000Z', 0, 10).users).toEqual([])
    state.close()
  })
})
