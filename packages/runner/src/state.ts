/**
 * The embedded store (SQLite, better-sqlite3): each account's last complete snapshot of users and the sync
 * history. Deletion is decided here, and only from complete syncs.
 */
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/** A user as remembered from the last complete sync. */
export interface RememberedUser {
  readonly id: string
  readonly username: string
  readonly email: string | null
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
}

/** The state database. */
export class StateStore {
  private readonly db: Database.Database

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS snapshot (
        connector TEXT NOT NULL, account TEXT NOT NULL, user_id TEXT NOT NULL,
        username TEXT NOT NULL, email TEXT, record TEXT NOT NULL,
        PRIMARY KEY (connector, account, user_id));
      CREATE TABLE IF NOT EXISTS staging (
        connector TEXT NOT NULL, account TEXT NOT NULL, user_id TEXT NOT NULL,
        username TEXT NOT NULL, email TEXT, record TEXT NOT NULL,
        PRIMARY KEY (connector, account, user_id));
      CREATE TABLE IF NOT EXISTS history (
        id INTEGER PRIMARY KEY AUTOINCREMENT, connector TEXT NOT NULL, account TEXT NOT NULL, status TEXT NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT NOT NULL, users INTEGER NOT NULL, deleted INTEGER NOT NULL,
        held_back INTEGER NOT NULL);`)
  }

  /** The users of the last complete sync of an account. */
  snapshot(connector: string, account: string): RememberedUser[] {
    return this.db
      .prepare('SELECT user_id AS id, username, email, record FROM snapshot WHERE connector = ? AND account = ? ORDER BY rowid')
      .all(connector, account) as RememberedUser[]
  }

  /** Starts collecting an account's users for this sync (users stream to disk, not memory). */
  beginStaging(connector: string, account: string): void {
    this.db.prepare('DELETE FROM staging WHERE connector = ? AND account = ?').run(connector, account)
  }

  /** Adds a page of users to the account's staging area, in one transaction. */
  stage(connector: string, account: string, users: ReadonlyArray<RememberedUser>): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO staging (connector, account, user_id, username, email, record) VALUES (?, ?, ?, ?, ?, ?)')
    this.db.transaction(() => {
      for (const u of users) insert.run(connector, account, u.id, u.username, u.email, u.record)
    })()
  }

  /**
   * Staged users, in arrival order, read a page at a time: no cursor stays open while the caller awaits, so
   * other accounts keep writing to the same connection meanwhile.
   */
  *staged(connector: string, account: string, pageSize = 1000): IterableIterator<RememberedUser> {
    const page = this.db.prepare('SELECT rowid AS r, user_id AS id, username, email, record FROM staging WHERE connector = ? AND account = ? AND rowid > ? ORDER BY rowid LIMIT ?')
    let after = 0
    for (;;) {
      const rows = page.all(connector, account, after, pageSize) as Array<RememberedUser & { r: number }>
      for (const { r: _r, ...row } of rows) yield row
      if (rows.length < pageSize) return
      after = (rows[rows.length - 1] as { r: number }).r
    }
  }

  /** How many users the account's last complete snapshot holds. */
  snapshotSize(connector: string, account: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM snapshot WHERE connector = ? AND account = ?').get(connector, account) as { n: number }).n
  }

  /** Users of the account's last complete snapshot that the staged sync (under `key`) did not see. */
  vanished(connector: string, key: string, account: string): RememberedUser[] {
    return this.db
      .prepare(
        `SELECT s.user_id AS id, s.username, s.email, s.record FROM snapshot s
         WHERE s.connector = ? AND s.account = ?
           AND NOT EXISTS (SELECT 1 FROM staging t WHERE t.connector = s.connector AND t.account = ? AND t.user_id = s.user_id)
         ORDER BY s.rowid`,
      )
      .all(connector, account, key) as RememberedUser[]
  }

  /** Makes the users staged under `key` the account's snapshot (after a complete sync), in one transaction. */
  commitStaging(connector: string, key: string, account: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM snapshot WHERE connector = ? AND account = ?').run(connector, account)
      this.db
        .prepare('INSERT INTO snapshot (connector, account, user_id, username, email, record) SELECT connector, ?, user_id, username, email, record FROM staging WHERE connector = ? AND account = ? ORDER BY rowid')
        .run(account, connector, key)
      this.db.prepare('DELETE FROM staging WHERE connector = ? AND account = ?').run(connector, key)
    })()
  }

  /** Forgets the staged users (after an incomplete or held-back sync). */
  dropStaging(connector: string, account: string): void {
    this.beginStaging(connector, account)
  }

  record(entry: HistoryEntry): void {
    this.db
      .prepare('INSERT INTO history (connector, account, status, started_at, finished_at, users, deleted, held_back) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(entry.connector, entry.account, entry.status, entry.startedAt, entry.finishedAt, entry.users, entry.deleted, entry.heldBack ? 1 : 0)
  }

  history(connector: string, account: string): HistoryEntry[] {
    return (
      this.db
        .prepare('SELECT connector, account, status, started_at AS startedAt, finished_at AS finishedAt, users, deleted, held_back AS heldBack FROM history WHERE connector = ? AND account = ? ORDER BY id')
        .all(connector, account) as Array<Omit<HistoryEntry, 'heldBack'> & { heldBack: number }>
    ).map((h) => ({ ...h, heldBack: h.heldBack === 1 }))
  }

  close(): void {
    this.db.close()
  }
}
