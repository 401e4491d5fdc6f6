/**
 * The state sink: the unit's users, staged in the state store page by page as they arrive. It is the last thing a
 * unit settles: the snapshot moves on (commit) only after every output committed; otherwise the staging is dropped
 * and the snapshot stays as it was. Either way the sync's history row is written in the same transaction.
 */
import type { User } from '@connectors/core'
import type { SyncState } from '../../state-client.js'
import type { Departure, HistoryEntry } from '../../state.js'
import type { Prepared, SinkBatch } from './sink.js'

/** Users of the last snapshot read per page when listing who vanished. */
const VANISHED_PAGE = 1000

/** The state side of a unit. */
export interface StateSink {
  write(batch: SinkBatch): Promise<void>
  /** How many users the last complete snapshot held, and how many of them this sync did not list. */
  compare(): Promise<{ readonly previous: number; readonly vanished: number }>
  /** The users of the last complete snapshot that this sync did not list, a page at a time, marked deleted. */
  deleted(): AsyncGenerator<ReadonlyArray<Prepared<User>>>
  /**
   * The account's users deleted by earlier syncs and still within the retention window (departed at or after
   * `since`), a page at a time, marked deleted: every users file restates them.
   */
  retained(since: string): AsyncGenerator<ReadonlyArray<Prepared<User>>>
  /** Makes this sync the account's snapshot (the users it no longer lists departing at `departure.at`) and records `history`, atomically. */
  commit(history: HistoryEntry, departure: Departure): Promise<void>
  /** Drops what this sync staged and records `history`; never throws (a store that fails here is reported by the run). */
  abort(history: HistoryEntry): Promise<void>
}

/** A remembered user, as deleted. */
function deletedOf(record: string): Prepared<User> {
  const value: User = { ...(JSON.parse(record) as User), status: 'deleted' }
  return { value, json: JSON.stringify(value) }
}

/** Opens the state sink of a unit over the store. */
export async function openStateSink(state: SyncState, connector: string, unit: string, accountId: string): Promise<StateSink> {
  const staging = await state.beginStaging(connector, unit)
  return {
    async write(batch) {
      if (batch.entity === 'users') await state.stage(staging, batch.records.map((r) => ({ id: r.value.id, record: r.json })))
    },
    compare: () => state.compare(staging, accountId),
    async *deleted() {
      for (let after = 0, more = true; more; ) {
        const { users, last } = await state.vanishedPage(staging, accountId, after, VANISHED_PAGE)
        yield users.map((row) => deletedOf(row.record))
        more = users.length === VANISHED_PAGE
        after = last
      }
    },
    async *retained(since) {
      for (let after = 0, more = true; more; ) {
        const { users, last } = await state.retainedPage(staging, accountId, since, after, VANISHED_PAGE)
        yield users.map((row) => deletedOf(row.record))
        more = users.length === VANISHED_PAGE
        after = last
      }
    },
    commit: (history, departure) => state.commitStaging(staging, accountId, history, departure),
    abort: (history) => state.discardStaging(staging, history).catch(() => undefined),
  }
}
