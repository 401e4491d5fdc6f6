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

  /** Replaces an account's snapshot with the users of a complete sync, in one transaction. */
  replaceSnapshot(connector: string, account: string, users: ReadonlyArray<RememberedUser>): void {
    const remove = this.db.prepare('DELETE FROM snapshot WHERE connector = ? AND account = ?')
    const insert = this.db.prepare('INSERT INTO snapshot (connector, account, user_id, username, email, record) VALUES (?, ?, ?, ?, ?, ?)')
    this.db.transaction(() => {
      remove.run(connector, account)
      for (const u of users) insert.run(connector, account, u.id, u.username, u.email, u.record)
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
