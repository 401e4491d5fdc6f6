/**
 * The accounts the console connected, in a table of their own in the runner's SQLite state file (WAL lets this
 * connection sit beside the one a sync writes through). A row holds what a run config's account entry holds — the
 * connector, the name, the config, the exclude patterns — minus every value the connector's codec marks
 * sensitive, plus the last connection check and the last sync's envelope, so a reload or a restart shows the same
 * page.
 */
import type { Envelope } from '@connectors/runner'
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/** A check step as stored and shown: its error as plain JSON (`errorToJson`: no secret is ever in one). */
export interface CheckStepJson {
  readonly step: string
  readonly status: 'ok' | 'failed' | 'skipped'
  readonly error?: Readonly<Record<string, unknown>>
}

/** The last connection check of an account. */
export interface CheckJson {
  readonly ok: boolean
  readonly steps: ReadonlyArray<CheckStepJson>
  readonly checkedAt: string
}

/** What creating or editing an account sets. */
export interface AccountFields {
  readonly connector: string
  readonly name: string
  /** The upstream account its config addresses (the AWS account id). */
  readonly accountId: string
  /** The config without its sensitive values. */
  readonly config: Readonly<Record<string, unknown>>
  readonly exclude: ReadonlyArray<string>
  /** Paths of the sensitive values it was connected with: they are asked for again, never stored. */
  readonly secretPaths: ReadonlyArray<string>
}

/** An account as stored. */
export interface StoredAccount extends AccountFields {
  readonly id: number
  readonly createdAt: string
  readonly updatedAt: string
  readonly lastCheck?: CheckJson
  readonly lastSync?: Envelope
}

interface Row {
  id: number
  connector: string
  name: string
  account_id: string
  config: string
  exclude: string
  secret_paths: string
  created_at: string
  updated_at: string
  last_check: string | null
  last_sync: string | null
}

const fromRow = (r: Row): StoredAccount => ({
  id: r.id,
  connector: r.connector,
  name: r.name,
  accountId: r.account_id,
  config: JSON.parse(r.config) as Record<string, unknown>,
  exclude: JSON.parse(r.exclude) as string[],
  secretPaths: JSON.parse(r.secret_paths) as string[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  ...(r.last_check !== null ? { lastCheck: JSON.parse(r.last_check) as CheckJson } : {}),
  ...(r.last_sync !== null ? { lastSync: JSON.parse(r.last_sync) as Envelope } : {}),
})

export class AccountStore {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (and creates) the console's table in the state file at `path`. */
  static open(path: string): AccountStore {
    mkdirSync(dirname(path), { recursive: true })
    const db = new Database(path)
    // A sync's thread may hold the write lock for a page of users: wait for it rather than fail.
    db.pragma('busy_timeout = 10000')
    db.pragma('journal_mode = WAL')
    db.exec(`CREATE TABLE IF NOT EXISTS console_accounts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      connector TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE UNIQUE, account_id TEXT NOT NULL,
      config TEXT NOT NULL, exclude TEXT NOT NULL, secret_paths TEXT NOT NULL,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_check TEXT, last_sync TEXT,
      UNIQUE (connector, account_id))`)
    return new AccountStore(db)
  }

  list(): StoredAccount[] {
    return (this.db.prepare('SELECT * FROM console_accounts ORDER BY name COLLATE NOCASE').all() as Row[]).map(fromRow)
  }

  get(id: number): StoredAccount | undefined {
    const row = this.db.prepare('SELECT * FROM console_accounts WHERE id = ?').get(id) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  /** The account named `name` (names compare without case: they name files), other than `except`. */
  byName(name: string, except?: number): StoredAccount | undefined {
    const row = this.db.prepare('SELECT * FROM console_accounts WHERE name = ? AND id IS NOT ?').get(name, except ?? null) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  /** The account addressing `accountId` of `connector`, other than `except`. */
  byUpstream(connector: string, accountId: string, except?: number): StoredAccount | undefined {
    const row = this.db.prepare('SELECT * FROM console_accounts WHERE connector = ? AND account_id = ? AND id IS NOT ?').get(connector, accountId, except ?? null) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  create(fields: AccountFields): StoredAccount {
    const now = new Date().toISOString()
    const id = this.db
      .prepare('INSERT INTO console_accounts (connector, name, account_id, config, exclude, secret_paths, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(fields.connector, fields.name, fields.accountId, JSON.stringify(fields.config), JSON.stringify(fields.exclude), JSON.stringify(fields.secretPaths), now, now).lastInsertRowid
    return this.get(Number(id)) as StoredAccount
  }

  /** Replaces an account's settings; a new config invalidates its last check (it tested another config). */
  update(id: number, fields: AccountFields): StoredAccount | undefined {
    this.db
      .prepare('UPDATE console_accounts SET connector = ?, name = ?, account_id = ?, config = ?, exclude = ?, secret_paths = ?, updated_at = ?, last_check = NULL WHERE id = ?')
      .run(fields.connector, fields.name, fields.accountId, JSON.stringify(fields.config), JSON.stringify(fields.exclude), JSON.stringify(fields.secretPaths), new Date().toISOString(), id)
    return this.get(id)
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM console_accounts WHERE id = ?').run(id).changes > 0
  }

  recordCheck(id: number, check: CheckJson): void {
    this.db.prepare('UPDATE console_accounts SET last_check = ? WHERE id = ?').run(JSON.stringify(check), id)
  }

  recordSync(id: number, envelope: Envelope): void {
    this.db.prepare('UPDATE console_accounts SET last_sync = ? WHERE id = ?').run(JSON.stringify(envelope), id)
  }

  close(): void {
    this.db.close()
  }
}
