/**
 * The embedded store (SQLite, better-sqlite3): each account's last complete snapshot of users and the sync
 * history. Deletion is decided here, and only from complete syncs.
 */
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/** A user as remembered from the last complete sync: its id and its canonical record (JSON). */
export interface RememberedUser {
  readonly id: string
  readonly record: string
}

/** One history row. */
export interface HistoryEntry {
  readonly connector: string
  readonly account: string
  readonly status: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly users: number
  readonly deleted: number
  readonly heldBack: boolean
  /** The run that made the sync, its unit and its envelope (JSON): what a retried attempt of the unit finds settled. */
  readonly runId?: string
  readonly unit?: string
  readonly envelope?: string
}

/** A unit settled by a run: its envelope, as its history row keeps it. */
export interface RunResult {
  readonly connector: string
  readonly unit: string
  readonly envelope: string
}

/** A user gone from an account, remembered for the retention window. */
export interface DepartedUser extends RememberedUser {
  readonly deletedAt: string
}

/** When this sync's departures happened, and the oldest departure still retained. */
export interface Departure {
  readonly at: string
  readonly retainSince: string
}

/** The code of the error a commit raises when a newer attempt of its unit replaced its staging. */
export const STATE_SUPERSEDED = 'STATE_SUPERSEDED'

/** The error of an attempt whose staging a newer attempt of the unit replaced: it applies nothing. */
export const supersededError = (): Error => Object.assign(new Error('a newer attempt of this account replaced this attempt’s staging; this attempt applies nothing'), { code: STATE_SUPERSEDED })

/** A unit's staging table, from {@link StateStore.beginStaging}. */
export interface Staging {
  readonly connector: string
  readonly unit: string
  /** The table's name: generated (`staged_<n>`), never taken from data. */
  readonly table: string
}

/**
 * The state database.
 *
 * Each account's snapshot is a table of its own (`staged_<n>`: user id and record), listed in `snapshots`. A sync
 * stages its users, page by page as they arrive, in a new table of the same form; a complete sync then compares the
 * two with one indexed query and swaps the new table in by pointing `snapshots` at it and dropping the old one. No
 * user row is ever copied or deleted one by one, and nothing is held in memory.
 */
export class StateStore {
  private readonly db: Database.Database

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    // WAL with NORMAL sync: every commit stays atomic; only the last commits may be lost on power failure.
    this.db.pragma('synchronous = NORMAL')
    // Checkpoint (and fsync) every 64 MB of log rather than every 4 MB: syncs stage users at tens of MB a second.
    this.db.pragma('wal_autocheckpoint = 16000')
    migrate(this.db, [
      // 1: the tables (state files written before migrations were numbered already have them).
      () =>
        this.db.exec(`
          CREATE TABLE IF NOT EXISTS snapshots (
            connector TEXT NOT NULL, account TEXT NOT NULL, tbl TEXT NOT NULL, PRIMARY KEY (connector, account));
          CREATE TABLE IF NOT EXISTS stagings (
            id INTEGER PRIMARY KEY AUTOINCREMENT, connector TEXT NOT NULL, unit TEXT NOT NULL, UNIQUE (connector, unit));
          CREATE TABLE IF NOT EXISTS departed (
            connector TEXT NOT NULL, account TEXT NOT NULL, user_id TEXT NOT NULL, record TEXT NOT NULL,
            deleted_at TEXT NOT NULL, PRIMARY KEY (connector, account, user_id));
          CREATE TABLE IF NOT EXISTS history (
            id INTEGER PRIMARY KEY AUTOINCREMENT, connector TEXT NOT NULL, account TEXT NOT NULL, status TEXT NOT NULL,
            started_at TEXT NOT NULL, finished_at TEXT NOT NULL, users INTEGER NOT NULL, deleted INTEGER NOT NULL,
            held_back INTEGER NOT NULL);`),
      // 2: the single `snapshot` table of the first runners, moved into per-account tables.
      () => this.migrateSharedSnapshot(),
      // 3: history rows say which run and unit they settled, with its envelope.
      () => this.db.exec('ALTER TABLE history ADD COLUMN run_id TEXT; ALTER TABLE history ADD COLUMN unit TEXT; ALTER TABLE history ADD COLUMN envelope TEXT; CREATE INDEX history_run ON history (run_id, connector, unit)'),
    ])
  }

  /** Moves the single `snapshot` table of a state file written by an earlier runner into per-account tables. */
  private migrateSharedSnapshot(): void {
    const legacy = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'").get()
    if (legacy === undefined) return
    const accounts = this.db.prepare('SELECT DISTINCT connector, account FROM snapshot').all() as Array<{ connector: string; account: string }>
    for (const { connector, account } of accounts) {
      const staging = this.beginStaging(connector, `migrated ${account}`)
      this.db.prepare(`INSERT INTO ${staging.table} (user_id, record) SELECT user_id, record FROM snapshot WHERE connector = ? AND account = ? ORDER BY rowid`).run(connector, account)
      this.commitStaging(staging, account)
    }
    this.db.exec('DROP TABLE snapshot')
  }

  /**
   * The staging's lookup by user id, built once the staging is complete (inserts stay cheap until then). Every read
   * against a staging comes through here: one a newer attempt replaced is refused, never read as empty.
   */
  private indexStaging(staging: Staging): void {
    if (!this.isCurrent(staging)) throw supersededError()
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${staging.table}_user ON ${staging.table} (user_id)`)
  }

  private snapshotTable(connector: string, account: string): string | undefined {
    return (this.db.prepare('SELECT tbl FROM snapshots WHERE connector = ? AND account = ?').get(connector, account) as { tbl: string } | undefined)?.tbl
  }

  /** Starts staging a unit's sync in a new table; what an interrupted earlier run staged for the unit is dropped. */
  beginStaging(connector: string, unit: string): Staging {
    return this.db.transaction(() => {
      this.dropStaging(connector, unit)
      const id = this.db.prepare('INSERT INTO stagings (connector, unit) VALUES (?, ?)').run(connector, unit).lastInsertRowid
      const table = `staged_${Number(id)}`
      this.db.exec(`CREATE TABLE ${table} (user_id TEXT NOT NULL, record TEXT NOT NULL)`)
      return { connector, unit, table }
    })()
  }

  /** Stages one page of users, in one transaction. */
  stage(staging: Staging, users: ReadonlyArray<RememberedUser>): void {
    const insert = this.db.prepare(`INSERT INTO ${staging.table} (user_id, record) VALUES (?, ?)`)
    this.db.transaction(() => {
      for (const u of users) insert.run(u.id, u.record)
    })()
  }

  /** How many users the account's last complete snapshot holds, and how many of them the staging lacks. */
  compare(staging: Staging, account: string): { readonly previous: number; readonly vanished: number } {
    const snapshot = this.snapshotTable(staging.connector, account)
    if (snapshot === undefined) return { previous: 0, vanished: 0 }
    this.indexStaging(staging)
    const previous = (this.db.prepare(`SELECT count(*) AS n FROM ${snapshot}`).get() as { n: number }).n
    const vanished = (this.db.prepare(`SELECT count(*) AS n FROM ${snapshot} s WHERE NOT EXISTS (SELECT 1 FROM ${staging.table} t WHERE t.user_id = s.user_id)`).get() as { n: number }).n
    return { previous, vanished }
  }

  /**
   * One page of the snapshot's users that the staging lacks, after snapshot row `after` (0 to start), and the row to
   * continue after; a page shorter than `limit` is the last. No cursor stays open between pages.
   */
  vanishedPage(staging: Staging, account: string, after: number, limit: number): { readonly users: RememberedUser[]; readonly last: number } {
    const snapshot = this.snapshotTable(staging.connector, account)
    if (snapshot === undefined) return { users: [], last: after }
    this.indexStaging(staging)
    const rows = this.db
      .prepare(`SELECT s.rowid AS r, s.user_id AS id, s.record AS record FROM ${snapshot} s WHERE NOT EXISTS (SELECT 1 FROM ${staging.table} t WHERE t.user_id = s.user_id) AND s.rowid > ? ORDER BY s.rowid LIMIT ?`)
      .all(after, limit) as Array<RememberedUser & { r: number }>
    return { users: rows.map((row) => ({ id: row.id, record: row.record })), last: rows.length === 0 ? after : (rows[rows.length - 1] as { r: number }).r }
  }

  /**
   * One page of the account's departed users still within the retention window (deleted at or after `since`) that
   * the staging does not list again, after row `after`; a page shorter than `limit` is the last. Every users file
   * restates them, so a file that never reached the platform loses no deletion.
   */
  retainedPage(staging: Staging, account: string, since: string, after: number, limit: number): { readonly users: DepartedUser[]; readonly last: number } {
    this.indexStaging(staging)
    const rows = this.db
      .prepare(`SELECT d.rowid AS r, d.user_id AS id, d.record AS record, d.deleted_at AS deletedAt FROM departed d WHERE d.connector = ? AND d.account = ? AND d.deleted_at >= ? AND d.rowid > ? AND NOT EXISTS (SELECT 1 FROM ${staging.table} t WHERE t.user_id = d.user_id) ORDER BY d.rowid LIMIT ?`)
      .all(staging.connector, account, since, after, limit) as Array<DepartedUser & { r: number }>
    return { users: rows.map(({ id, record, deletedAt }) => ({ id, record, deletedAt })), last: rows.length === 0 ? after : (rows[rows.length - 1] as { r: number }).r }
  }

  /** Moves the users of `snapshot` the staging lacks into the departed list; forgets those back, and those past `retainSince`. */
  private recordDepartures(staging: Staging, account: string, snapshot: string | undefined, departure: Departure): void {
    if (snapshot !== undefined) {
      this.db
        .prepare(`INSERT OR REPLACE INTO departed (connector, account, user_id, record, deleted_at) SELECT ?, ?, s.user_id, s.record, ? FROM ${snapshot} s WHERE NOT EXISTS (SELECT 1 FROM ${staging.table} t WHERE t.user_id = s.user_id)`)
        .run(staging.connector, account, departure.at)
    }
    this.db.prepare(`DELETE FROM departed WHERE connector = ? AND account = ? AND (deleted_at < ? OR user_id IN (SELECT user_id FROM ${staging.table}))`).run(staging.connector, account, departure.retainSince)
  }

  /**
   * Makes the staging the account's snapshot (after a complete sync) and drops the one it replaces; with a
   * `departure`, the users it no longer lists join the departed list. The sync's history row is recorded in the
   * same transaction.
   */
  commitStaging(staging: Staging, account: string, history?: HistoryEntry, departure?: Departure): void {
    this.db.transaction(() => {
      if (!this.isCurrent(staging)) throw supersededError()
      const previous = this.snapshotTable(staging.connector, account)
      if (departure !== undefined) {
        this.indexStaging(staging)
        this.recordDepartures(staging, account, previous, departure)
      }
      this.db.prepare('INSERT INTO snapshots (connector, account, tbl) VALUES (?, ?, ?) ON CONFLICT (connector, account) DO UPDATE SET tbl = excluded.tbl').run(staging.connector, account, staging.table)
      this.db.prepare('DELETE FROM stagings WHERE connector = ? AND unit = ?').run(staging.connector, staging.unit)
      if (previous !== undefined) this.db.exec(`DROP TABLE ${previous}`)
      if (history !== undefined) this.record(history)
    })()
  }

  /** Drops what the unit's sync staged (an incomplete sync, or one held back); records its history row with it. */
  discardStaging(staging: Staging, history?: HistoryEntry): void {
    this.db.transaction(() => {
      // Only while it is the unit's current staging: a newer attempt's is not this one's to drop, and an attempt
      // that lost its turn is no sync of the unit's — the newer attempt records the unit's history row.
      if (!this.isCurrent(staging)) return
      this.dropStaging(staging.connector, staging.unit)
      if (history !== undefined) this.record(history)
    })()
  }

  /** Whether `staging` is still its unit's staging (no newer attempt of the unit began since). */
  private isCurrent(staging: Staging): boolean {
    const row = this.db.prepare('SELECT id FROM stagings WHERE connector = ? AND unit = ?').get(staging.connector, staging.unit) as { id: number } | undefined
    return row !== undefined && `staged_${row.id}` === staging.table
  }

  private dropStaging(connector: string, unit: string): void {
    const row = this.db.prepare('SELECT id FROM stagings WHERE connector = ? AND unit = ?').get(connector, unit) as { id: number } | undefined
    if (row === undefined) return
    this.db.exec(`DROP TABLE IF EXISTS staged_${row.id}`)
    this.db.prepare('DELETE FROM stagings WHERE id = ?').run(row.id)
  }

  record(entry: HistoryEntry): void {
    this.db
      .prepare('INSERT INTO history (connector, account, status, started_at, finished_at, users, deleted, held_back, run_id, unit, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(entry.connector, entry.account, entry.status, entry.startedAt, entry.finishedAt, entry.users, entry.deleted, entry.heldBack ? 1 : 0, entry.runId ?? null, entry.unit ?? null, entry.envelope ?? null)
  }

  /** The units the run `runId` settled, each with its latest envelope. */
  runResults(runId: string, only?: { readonly connector: string; readonly unit: string }): RunResult[] {
    return this.db
      .prepare('SELECT connector, unit, envelope FROM history WHERE id IN (SELECT max(id) FROM history WHERE run_id = ? AND envelope IS NOT NULL AND (? IS NULL OR (connector = ? AND unit = ?)) GROUP BY connector, unit) ORDER BY id')
      .all(runId, only?.connector ?? null, only?.connector ?? null, only?.unit ?? null) as RunResult[]
  }

  history(connector: string, account: string): HistoryEntry[] {
    return (
      this.db
        .prepare('SELECT connector, account, status, started_at AS startedAt, finished_at AS finishedAt, users, deleted, held_back AS heldBack FROM history WHERE connector = ? AND account = ? ORDER BY id')
        .all(connector, account) as Array<Omit<HistoryEntry, 'heldBack'> & { heldBack: number }>
    ).map((h) => ({ ...h, heldBack: h.heldBack === 1 }))
  }

  /** The account's last complete snapshot, in the order its sync listed it. */
  snapshot(connector: string, account: string): RememberedUser[] {
    const table = this.snapshotTable(connector, account)
    return table === undefined ? [] : (this.db.prepare(`SELECT user_id AS id, record FROM ${table} ORDER BY rowid`).all() as RememberedUser[])
  }

  /** The account's departed users still remembered, oldest departure first. */
  departed(connector: string, account: string): DepartedUser[] {
    return this.db.prepare('SELECT user_id AS id, record, deleted_at AS deletedAt FROM departed WHERE connector = ? AND account = ? ORDER BY rowid').all(connector, account) as DepartedUser[]
  }

  close(): void {
    this.db.close()
  }
}

/**
 * Brings the database to the last of `steps` (step n sets `user_version` n, in the step's own transaction), and
 * refuses a database a newer runner wrote: its tables may mean something this runner does not know.
 */
function migrate(db: Database.Database, steps: ReadonlyArray<() => void>): void {
  const version = () => db.pragma('user_version', { simple: true }) as number
  if (version() > steps.length) throw new Error(`its schema version ${version()} is newer than this runner's ${steps.length} (a newer runner wrote it): run that runner`)
  for (let next = version() + 1; next <= steps.length; next++) {
    db.transaction(() => {
      ;(steps[next - 1] as () => void)()
      db.pragma(`user_version = ${next}`)
    }).immediate()
  }
}
