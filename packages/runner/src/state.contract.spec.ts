/**
 * One contract, two stores: the embedded SQLite store (on its thread) and the PostgreSQL store answer every call a
 * sync makes the same way, and guard a run the same way.
 */
import { startPostgres, type PostgresService } from '@connectors/testkit'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LockedError } from './lock.js'
import { heldDrop } from './run/drop-guard.js'
import type { StateBackend } from './state-client.js'
import { lockState, openStateBackend } from './state-open.js'
import type { HistoryEntry, RememberedUser, Staging } from './state.js'

const users = (...ids: string[]) => ids.map((id) => ({ id, record: JSON.stringify({ id }) }))
const ids = (list: ReadonlyArray<{ id: string }>) => list.map((u) => u.id)

let postgres: PostgresService
beforeAll(async () => {
  postgres = await startPostgres()
})
afterAll(() => postgres?.close())

/** A fresh state of each kind: a SQLite file in a new folder, a new PostgreSQL database. */
const kinds = {
  SQLite: async () => join(mkdtempSync(join(tmpdir(), 'state-contract-')), 'state.db'),
  PostgreSQL: () => postgres.database(),
} as const

const opened: StateBackend[] = []
afterEach(async () => {
  for (const state of opened.splice(0)) await state.close().catch(() => undefined)
})

/** Every vanished user, read page by page. */
async function vanished(state: StateBackend, staging: Staging, account: string, pageSize = 1000): Promise<RememberedUser[]> {
  const out: RememberedUser[] = []
  for (let after = 0; ; ) {
    const page = await state.vanishedPage(staging, account, after, pageSize)
    out.push(...page.users)
    if (page.users.length < pageSize) return out
    after = page.last
  }
}

const history = (status: string, users: number, deleted = 0): HistoryEntry => ({ connector: 'c', account: '1', status, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', users, deleted, heldBack: status === 'held' })

describe.each(Object.entries(kinds))('the %s state store', (_kind, location) => {
  const open = async (where?: string) => {
    const state = await openStateBackend(where ?? (await location()))
    opened.push(state)
    return state
  }

  it('swaps a complete sync in whole and reports, page by page, who vanished since the last one', async () => {
    const state = await open()
    const first = await state.beginStaging('c', 'unit-a')
    for (let page = 0; page < 4; page++) await state.stage(first, users(...Array.from({ length: 25 }, (_, i) => `u${page * 25 + i}`)))
    expect(await state.compare(first, '111')).toEqual({ previous: 0, vanished: 0 })
    await state.commitStaging(first, '111')
    expect(ids(await state.snapshot('c', '111'))).toEqual(Array.from({ length: 100 }, (_, i) => `u${i}`))

    const second = await state.beginStaging('c', 'unit-a')
    // Not awaited one by one: the compare that follows still sees every page, in the order they were staged.
    await Promise.all([state.stage(second, users('u1', 'u2')), state.stage(second, users('new'))])
    expect(await state.compare(second, '111')).toEqual({ previous: 100, vanished: 98 })
    expect(ids(await vanished(state, second, '111', 7))).toEqual(Array.from({ length: 100 }, (_, i) => `u${i}`).filter((id) => id !== 'u1' && id !== 'u2'))
    // Until it commits, the snapshot is the old one.
    expect(await state.snapshot('c', '111')).toHaveLength(100)
    await state.commitStaging(second, '111')
    expect(ids(await state.snapshot('c', '111'))).toEqual(['u1', 'u2', 'new'])
    expect((await state.snapshot('c', '111')).map((u) => JSON.parse(u.record))).toEqual([{ id: 'u1' }, { id: 'u2' }, { id: 'new' }])
  })

  it('keeps accounts and connectors apart', async () => {
    const state = await open()
    for (const [connector, unit, account] of [['c', 'a', '1'], ['c', 'b', '2'], ['d', 'a', '1']] as const) {
      const staging = await state.beginStaging(connector, unit)
      await state.stage(staging, users(`${connector}-${unit}`))
      await state.commitStaging(staging, account)
    }
    const staging = await state.beginStaging('c', 'a')
    expect(await state.compare(staging, '1')).toEqual({ previous: 1, vanished: 1 })
    expect(ids(await vanished(state, staging, '1'))).toEqual(['c-a'])
    expect(ids(await state.snapshot('d', '1'))).toEqual(['d-a'])
  })

  it('drops what an interrupted or incomplete sync staged, leaving the snapshot as it was', async () => {
    const state = await open()
    const first = await state.beginStaging('c', 'a')
    await state.stage(first, users('u1', 'u2'))
    await state.commitStaging(first, '1')
    // An attempt that stopped half-way left staged rows behind; the next attempt of the unit starts clean.
    await state.stage(await state.beginStaging('c', 'a'), users('u1'))
    const restarted = await state.beginStaging('c', 'a')
    expect(await state.compare(restarted, '1')).toEqual({ previous: 2, vanished: 2 })
    await state.stage(restarted, users('u1'))
    await state.discardStaging(restarted, history('partial', 1))
    expect(ids(await vanished(state, await state.beginStaging('c', 'a'), '1'))).toEqual(['u1', 'u2'])
    expect(ids(await state.snapshot('c', '1'))).toEqual(['u1', 'u2'])
  })

  it('applies nothing of an attempt a newer attempt of the unit replaced', async () => {
    const state = await open()
    const first = await state.beginStaging('c', 'a')
    await state.stage(first, users('u1', 'u2'))
    await state.commitStaging(first, '1')
    const stale = await state.beginStaging('c', 'a')
    await state.stage(stale, users('u1'))
    const current = await state.beginStaging('c', 'a')
    await state.stage(current, users('u1', 'u2', 'u3'))
    // Read against, the replaced staging is refused: empty, it would make every user look deleted.
    await expect(state.compare(stale, '1')).rejects.toMatchObject({ code: 'STATE_SUPERSEDED' })
    await expect(state.vanishedPage(stale, '1', 0, 10)).rejects.toMatchObject({ code: 'STATE_SUPERSEDED' })
    await expect(state.retainedPage(stale, '1', '2025-01-01T00:00:00.000Z', 0, 10)).rejects.toMatchObject({ code: 'STATE_SUPERSEDED' })
    await expect(state.commitStaging(stale, '1', history('ok', 1, 1), { at: '2026-01-02T00:00:00.000Z', retainSince: '2025-10-01T00:00:00.000Z' })).rejects.toMatchObject({ code: 'STATE_SUPERSEDED' })
    // A late discard of the stale attempt leaves the current one alone, and no history row.
    await state.discardStaging(stale, history('failed', 1))
    expect(await state.compare(current, '1')).toEqual({ previous: 2, vanished: 0 })
    await state.commitStaging(current, '1', history('ok', 3), { at: '2026-01-02T00:00:00.000Z', retainSince: '2025-10-01T00:00:00.000Z' })
    expect(ids(await state.snapshot('c', '1'))).toEqual(['u1', 'u2', 'u3'])
    expect(await state.departed('c', '1')).toEqual([])
    expect((await state.history('c', '1')).map((h) => h.status)).toEqual(['ok'])
  })

  it("reports a failed write at that staging's next call that waits, and only there: other units go on", async () => {
    const state = await open()
    const other = await state.beginStaging('c', 'b')
    const staging = await state.beginStaging('c', 'a')
    await state.discardStaging(staging)
    await state.stage(staging, users('u1'))
    await state.stage(other, users('u2'))
    await expect(state.compare(staging, '1')).rejects.toThrow(/^state store: /)
    await state.commitStaging(other, '2')
    expect(await state.compare(await state.beginStaging('c', 'b'), '2')).toEqual({ previous: 1, vanished: 1 })
  })

  it('remembers who left a complete sync, restates them until the retention window ends, and forgets those who come back', async () => {
    const state = await open()
    const commit = async (present: string[], at: string, retainSince: string) => {
      const staging = await state.beginStaging('c', 'a')
      await state.stage(staging, users(...present))
      await state.commitStaging(staging, '1', undefined, { at, retainSince })
    }
    await commit(['u1', 'u2', 'u3'], '2026-01-01T00:00:00.000Z', '2025-10-01T00:00:00.000Z')
    await commit(['u1'], '2026-01-02T00:00:00.000Z', '2025-10-02T00:00:00.000Z')
    expect((await state.departed('c', '1')).map((u) => [u.id, u.deletedAt])).toEqual([['u2', '2026-01-02T00:00:00.000Z'], ['u3', '2026-01-02T00:00:00.000Z']])
    const third = await state.beginStaging('c', 'a')
    await state.stage(third, users('u1', 'u3'))
    expect((await state.retainedPage(third, '1', '2025-12-01T00:00:00.000Z', 0, 10)).users.map((u) => [u.id, u.deletedAt])).toEqual([['u2', '2026-01-02T00:00:00.000Z']])
    expect((await state.retainedPage(third, '1', '2026-02-01T00:00:00.000Z', 0, 10)).users).toEqual([])
    await state.commitStaging(third, '1', undefined, { at: '2026-01-03T00:00:00.000Z', retainSince: '2025-10-03T00:00:00.000Z' })
    expect(ids(await state.departed('c', '1'))).toEqual(['u2'])
    await commit(['u1', 'u3'], '2026-04-10T00:00:00.000Z', '2026-01-10T00:00:00.000Z')
    expect(await state.departed('c', '1')).toEqual([])
  })

  it('records one history row per sync, in the same transaction as its outcome', async () => {
    const state = await open()
    const first = await state.beginStaging('c', 'a')
    await state.stage(first, users('u1'))
    await state.commitStaging(first, '1', history('ok', 1))
    await state.discardStaging(await state.beginStaging('c', 'a'), history('held', 0))
    await state.record(history('failed', 0))
    expect(await state.history('c', '1')).toEqual([history('ok', 1), history('held', 0), history('failed', 0)])
    expect(await state.history('c', '2')).toEqual([])
  })

  it("keeps each unit's envelope with its history row, so that a run's settled units can be found again", async () => {
    const state = await open()
    const settled = (unit: string, status: string, runId = 'run-1'): HistoryEntry => ({ ...history(status, 1), runId, unit, envelope: JSON.stringify({ unit, status }) })
    const first = await state.beginStaging('c', 'a')
    await state.stage(first, users('u1'))
    await state.commitStaging(first, '1', settled('a', 'ok'))
    await state.discardStaging(await state.beginStaging('c', 'b'), settled('b', 'partial'))
    await state.record(settled('b', 'failed'))
    await state.record(settled('a', 'ok', 'run-2'))
    await state.record(history('failed', 0))
    expect(await state.runResults('run-1')).toEqual([
      { connector: 'c', unit: 'a', envelope: JSON.stringify({ unit: 'a', status: 'ok' }) },
      { connector: 'c', unit: 'b', envelope: JSON.stringify({ unit: 'b', status: 'failed' }) },
    ])
    expect(await state.runResults('run-1', { connector: 'c', unit: 'b' })).toEqual([{ connector: 'c', unit: 'b', envelope: JSON.stringify({ unit: 'b', status: 'failed' }) }])
    expect(await state.runResults('run-1', { connector: 'd', unit: 'b' })).toEqual([])
    expect(await state.history('c', '1')).toHaveLength(5)
  })

  it('gives the drop guard what it needs to hold a sync that lost most of an account', async () => {
    const state = await open()
    const first = await state.beginStaging('c', 'a')
    await state.stage(first, users(...Array.from({ length: 10 }, (_, i) => `u${i}`)))
    await state.commitStaging(first, '1')
    const second = await state.beginStaging('c', 'a')
    await state.stage(second, users('u0', 'u1'))
    const { previous, vanished } = await state.compare(second, '1')
    expect(heldDrop({ threshold: 0.3, accept: false }, previous, vanished, 2)).toEqual({ previous: 10, current: 2, share: 0.8, threshold: 0.3 })
    await state.discardStaging(second, history('held', 2))
    expect(await state.snapshot('c', '1')).toHaveLength(10)
  })

  it('lets one run at a time hold the state, naming the holder to the one refused', async () => {
    const where = await location()
    await open(where)
    const held = await lockState(where, 'run-1')
    const refused = await lockState(where, 'run-2').then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(LockedError)
    expect((refused as LockedError).holder).toMatchObject({ pid: process.pid, runId: 'run-1' })
    expect((refused as LockedError).message).toMatch(/^the state (file|database) .* is in use by another run \(pid \d+ on .*, started .*, run run-1\)\. Wait for that run to finish, or give this run another one$/)
    await held.release()
    await (await lockState(where, 'run-3')).release()
  })
})
