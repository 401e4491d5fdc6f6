/**
 * The PostgreSQL state store's schema, as numbered migrations recorded in `schema_migrations`. Workers that start
 * together migrate one at a time (a transaction-scoped advisory lock); a database a newer runner migrated further is
 * refused rather than misread.
 *
 * Users live in one table, `set_rows`, grouped in *sets*: a sync stages its users in a new set, and a complete sync
 * makes that set the account's snapshot and deletes the one it replaces. A staging's rows reference their set, so
 * once an attempt's set is gone (a newer attempt of the unit began, or it was discarded) nothing more can be staged
 * into it, and its commit finds no staging to commit: an attempt that outlived its turn applies nothing.
 */
import type { PoolClient } from 'pg'

/** The advisory lock key pair (classid, objid) under which migrations run: `cnct`, 1. */
export const MIGRATION_LOCK = [0x636e6374, 1] as const

/** The migrations, in order: step n brings the schema to version n. Never edit one that has shipped; add another. */
export const MIGRATIONS: ReadonlyArray<string> = [
  `CREATE TABLE sets (
     id BIGSERIAL PRIMARY KEY, connector TEXT NOT NULL, unit TEXT NOT NULL);
   CREATE TABLE set_rows (
     set_id BIGINT NOT NULL REFERENCES sets (id) ON DELETE CASCADE, seq BIGSERIAL NOT NULL,
     user_id TEXT NOT NULL, record TEXT NOT NULL);
   CREATE INDEX set_rows_user ON set_rows (set_id, user_id);
   CREATE INDEX set_rows_seq ON set_rows (set_id, seq);
   CREATE TABLE stagings (
     connector TEXT NOT NULL, unit TEXT NOT NULL, set_id BIGINT NOT NULL UNIQUE REFERENCES sets (id) ON DELETE CASCADE,
     PRIMARY KEY (connector, unit));
   CREATE TABLE snapshots (
     connector TEXT NOT NULL, account TEXT NOT NULL, set_id BIGINT NOT NULL REFERENCES sets (id),
     PRIMARY KEY (connector, account));
   CREATE TABLE departed (
     connector TEXT NOT NULL, account TEXT NOT NULL, user_id TEXT NOT NULL, record TEXT NOT NULL,
     deleted_at TEXT NOT NULL, seq BIGSERIAL NOT NULL, PRIMARY KEY (connector, account, user_id));
   CREATE INDEX departed_seq ON departed (connector, account, seq);
   CREATE TABLE history (
     id BIGSERIAL PRIMARY KEY, connector TEXT NOT NULL, account TEXT NOT NULL, status TEXT NOT NULL,
     started_at TEXT NOT NULL, finished_at TEXT NOT NULL, users INTEGER NOT NULL, deleted INTEGER NOT NULL,
     held_back BOOLEAN NOT NULL);
   CREATE INDEX history_account ON history (connector, account, id);`,
  // Who holds the run lock (the lock itself is a session advisory lock): named in a refused run's message.
  `CREATE TABLE run_lock_holder (
     id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, started_at TEXT NOT NULL,
     run_id TEXT NOT NULL);`,
  // History rows say which run and unit they settled, with its envelope.
  `ALTER TABLE history ADD COLUMN run_id TEXT, ADD COLUMN unit TEXT, ADD COLUMN envelope TEXT;
   CREATE INDEX history_run ON history (run_id, connector, unit);`,
]

/** Brings the database to the last migration; `location` names it in errors. */
export async function migrate(client: PoolClient, location: string): Promise<void> {
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK])
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())')
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')
    const current = rows[0]?.version ?? 0
    if (current > MIGRATIONS.length) throw new Error(`the state database ${location} has schema version ${current}, newer than this runner's ${MIGRATIONS.length} (a newer runner migrated it): run that runner`)
    for (let next = current + 1; next <= MIGRATIONS.length; next++) {
      await client.query(MIGRATIONS[next - 1] as string)
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [next])
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}
