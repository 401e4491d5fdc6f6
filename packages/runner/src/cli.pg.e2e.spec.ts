/** `connectors sync --state postgres://…`: the shared store behind the same CLI, as a process, against the sandbox. */
import { startPostgres, type PostgresService } from '@connectors/testkit'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { allBytes, cli, organization, sandboxOf, stopSandboxes, writeRunConfig } from './cli.e2e-harness.js'
import { recordsWithoutRun } from './testing.js'

let postgres: PostgresService
beforeAll(async () => {
  postgres = await startPostgres()
})
afterAll(() => postgres?.close())
afterEach(stopSandboxes)

/** The URL with a password: it must never reach the CLI's output. */
const withPassword = (url: string) => {
  const parsed = new URL(url)
  parsed.password = 'pg-secret-4417'
  return parsed.toString()
}

describe('connectors sync with a PostgreSQL state', () => {
  it('writes what a run on the SQLite state writes, and names the database without its password, also when it cannot be reached', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await mkdtemp(join(tmpdir(), 'connectors-pg-e2e-'))
    const config = await writeRunConfig(dir, sandbox, seed)
    const url = withPassword(await postgres.database())
    const onPg = await cli(dir, ['sync', '--config', config, '--out', 'pg', '--state', url, '--log-level', 'debug'])
    expect({ code: onPg.code, stderr: onPg.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('internal error') })
    const onSqlite = await cli(dir, ['sync', '--config', config, '--out', 'sqlite'])
    expect(onSqlite.code).toBe(0)
    for (const unit of ['acct-0', 'acct-1', 'acct-2']) expect(await recordsWithoutRun(join(dir, 'pg'), unit)).toEqual(await recordsWithoutRun(join(dir, 'sqlite'), unit))
    expect(await allBytes(dir, onPg)).not.toContain('pg-secret-4417')

    // The database is named, without credentials, when it cannot be reached.
    const nowhere = url.replace(/:\d+\//, ':1/')
    const unreachable = await cli(dir, ['sync', '--config', config, '--out', 'pg', '--state', nowhere])
    expect(unreachable.code).toBe(2)
    expect(unreachable.stderr).toMatch(/cannot open the state database postgres:\/\/127\.0\.0\.1:1\/t_\w+: .*check that PostgreSQL is running/)
    expect(unreachable.stderr + unreachable.stdout).not.toContain('pg-secret-4417')
  })
})
