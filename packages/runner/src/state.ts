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
}

/** The state database. */
export class StateStore {
  private readonly db: Database.Database

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    // WAL with NORMAL sync: every commit stays atomic; only the last commits may be lost on power failure.
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS snapshot (
        connector TEXT NOT NULL, account TEXT NOT NULL, user_id TEXT NOT NULL, record TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS snapshot_account ON snapshot (connector, account);
      CREATE TABLE IF NOT EXISTS history (
        id INTEGER PRIMARY KEY AUTOINCREMENT, connector TEXT NOT NULL, account TEXT NOT NULL, status TEXT NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT NOT NULL, users INTEGER NOT NULL, deleted INTEGER NOT NULL,
        held_back INTEGER NOT NULL);`)
  }

  /** The account's last complete snapshot, a page at a time (no cursor stays open across the caller's awaits). */
  *snapshotRows(connector: string, account: string, pageSize = 5000): IterableIterator<RememberedUser> {
    const page = this.db.prepare('SELECT rowid AS r, user_id AS id, record FROM snapshot WHERE connector = ? AND account = ? AND rowid > ? ORDER BY rowid LIMIT ?')
    let after = 0
    for (;;) {
      const rows = page.all(connector, account, after, pageSize) as Array<RememberedUser & { r: number }>
      for (const { r: _r, ...row } of rows) yield row
      if (rows.length < pageSize) return
      after = (rows[rows.length - 1] as { r: number }).r
    }
  }

  /** Replaces the account's snapshot with `users` (after a complete sync), in one transaction. */
  replaceSnapshot(connector: string, account: string, users: Iterable<RememberedUser>): void {
    const insert = this.db.prepare('INSERT INTO snapshot (connector, account, user_id, record) VALUES (?, ?, ?, ?)')
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM snapshot WHERE connector = ? AND account = ?').run(connector, account)
      for (const u of users) insert.run(connector, account, u.id, u.record)
    })()
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
