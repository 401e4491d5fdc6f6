/**
 * What only the PostgreSQL store has: versioned migrations recorded in the database, a location that never carries
 * credentials, a run lock that dies with its session, and a database that goes away mid-sync.
 */
import { defineConnector, mapStream, silentLogger, type AnyConnector, type User } from '@connectors/core'
import { startPostgres, type PostgresService } from '@connectors/testkit'
import { exampleConnector, FakeDirectory, sampleDirectory } from '@connectors/testkit/example'
import * as E from 'fp-ts/Either'
import pg from 'pg'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planUnits } from './plan.js'
import { runSync } from './run/run.js'
import { lockState } from './state-open.js'
import { MIGRATIONS } from './state-pg-schema.js'
import { PgState } from './state-pg.js'

let postgres: PostgresService
beforeAll(async () => {
  // Stopped and started by these tests: always a server of their own.
  postgres = await startPostgres({ throwaway: true })
})
afterAll(() => postgres?.close())

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return (await client.query<R>(text)).rows
  } finally {
    await client.end()
  }
}

const withPassword = (url: string) => url.replace('postgres@', 'postgres:hunter2-secret@') + '?application_name=x&password=hunter2-secret'

describe('the PostgreSQL state store', () => {
  it('records its migrations, applies each once, and refuses a database a newer runner migrated', async () => {
    const url = await postgres.database()
    await (await PgState.open(url)).close()
    await (await PgState.open(url)).close()
    expect((await sql<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1))
    await sql(url, `INSERT INTO schema_migrations (version) VALUES (${MIGRATIONS.length + 1})`)
    await expect(PgState.open(withPassword(url))).rejects.toThrow(/has schema version \d+, newer than this runner's \d+/)
  })

  it('names itself without the credentials or the query of its URL, in its location and its errors', async () => {
    const url = await postgres.database()
    const state = await PgState.open(withPassword(url))
    expect(state.location).toBe(`postgres://${new URL(url).host}${new URL(url).pathname}`)
    await state.close()
    const nowhere = withPassword(url).replace(/:\d+\//, ':1/')
    const error = await PgState.open(nowhere).then(() => undefined, (e: Error) => e)
    expect(error?.message).toMatch(/^cannot open the state database postgres:\/\/127\.0\.0\.1:1\/t_\w+: .*ECONNREFUSED.*; check that PostgreSQL is running/)
    expect(error?.message).not.toMatch(/hunter2/)
  })

  it('gives the run lock back when the session holding it dies', async () => {
    const url = await postgres.database()
    await (await PgState.open(url)).close()
    const held = await lockState(url, 'run-1')
    await expect(lockState(url, 'run-2')).rejects.toThrow(/is in use by another run/)
    await sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'connectors run lock'")
    const next = await lockState(url, 'run-2')
    await next.release()
    await held.release()
  })

  it('fails the units of a sync whose database went away, naming it and the fix, and commits nothing', async () => {
    const url = await postgres.database()
    const state = await PgState.open(url)
    const out = await mkdtemp(join(tmpdir(), 'state-pg-'))
    const units = planned(connectorPausingAt(0, async () => postgres.stop()))
    try {
      const first = await runSync(planned(connectorPausingAt(-1, async () => undefined)), { out, state, concurrency: 2, drop: { threshold: 0.9, accept: false }, logger: silentLogger, env: {} })
      expect(first.report.units.map((u) => u.status)).toEqual(['ok', 'ok'])
      const before = await Promise.all(['alpha', 'bravo'].map((a) => state.snapshot('example-directory', a)))
      const { report } = await runSync(units, { out, state, concurrency: 2, drop: { threshold: 0.9, accept: false }, logger: silentLogger, env: {} })
      expect(report.units.map((u) => u.status)).toEqual(['failed', 'failed'])
      for (const unit of report.units) {
        expect(unit.errors[0]).toMatchObject({ reason: 'Internal', message: expect.stringContaining(`cannot reach the state database ${state.location}`), fix: expect.stringContaining(`make the state database ${state.location} reachable`) })
        expect(unit.usersFile).toBeNull()
      }
      await postgres.start()
      expect(await Promise.all(['alpha', 'bravo'].map((a) => state.snapshot('example-directory', a)))).toEqual(before)
      expect((await state.history('example-directory', 'alpha')).map((h) => h.status)).toEqual(['ok'])
    } finally {
      await postgres.start().catch(() => undefined)
      await state.close()
    }
  })
})

const TOKEN = 'tok_runner'

/** The example connector, with emails, that runs `pause` before its users page `at` (negative: never). */
function connectorPausingAt(at: number, pause: () => Promise<void>): AnyConnector {
  const example = exampleConnector(() => new FakeDirectory(sampleDirectory, TOKEN))
  const users = example.fetchers.users
  if (users === undefined) throw new Error('the example connector has a users fetcher')
  let paused: Promise<void> | undefined
  return defineConnector({
    ...example,
    fetchers: {
      ...example.fetchers,
      users: {
        ...users,
        fetch: async function* (session, inputs, ctx, config) {
          let page = 0
          for await (const item of mapStream(users.fetch(session, inputs, ctx, config), (records) => records.map((u: User) => ({ ...u, email: `${u.username}@example.test` })))) {
            if (page++ === at) await (paused ??= pause())
            yield item
          }
        },
      },
    },
  })
}

function planned(connector: AnyConnector) {
  const plan = planUnits({ connectors: [{ connector: 'example', accounts: ['alpha', 'bravo'].map((tenant) => ({ name: tenant, config: { tenant, token: TOKEN } })) }] }, [connector])
  if (E.isLeft(plan)) throw new Error(plan.left.join('\n'))
  return plan.right
}
