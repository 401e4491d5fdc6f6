/** `connectors sync --redis` with `connectors worker` processes: the same outputs as a local run. */
import { startPostgres, startRedis, type PostgresService, type RedisService } from '@connectors/testkit'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cli, organization, sandboxOf, startCli, stopSandboxes, writeRunConfig } from './cli.e2e-harness.js'
import { PgState } from './state-pg.js'
import { recordsWithoutRun } from './testing.js'

let postgres: PostgresService
let redis: RedisService
beforeAll(async () => {
  ;[postgres, redis] = await Promise.all([startPostgres(), startRedis()])
})
afterAll(async () => {
  await postgres?.close()
  await redis?.close()
})
afterEach(stopSandboxes)

describe('a run queued for workers', () => {
  it('writes what a local run writes, reports the same, and lets the workers stop cleanly', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await mkdtemp(join(tmpdir(), 'connectors-dist-e2e-'))
    const config = await writeRunConfig(dir, sandbox, seed)
    const state = await postgres.database()
    const env = { CONNECTORS_QUEUE_PREFIX: redis.prefix() }
    const workers = [0, 1].map(() => startCli(dir, ['worker', '--redis', redis.url, '--state', state, '--concurrency', '2'], env))
    try {
      const queued = await cli(dir, ['sync', '--config', config, '--redis', redis.url, '--state', state, '--out', 'dist'], env)
      expect({ code: queued.code, stderr: queued.stderr }).toEqual({ code: 0, stderr: '' })
      expect(queued.stdout).toContain('3/3 accounts ok')
      const local = await cli(dir, ['sync', '--config', config, '--out', 'local'])
      expect(local.code).toBe(0)
      for (const unit of ['acct-0', 'acct-1', 'acct-2']) {
        expect(await recordsWithoutRun(join(dir, 'dist'), unit)).toEqual(await recordsWithoutRun(join(dir, 'local'), unit))
        expect(await readFile(join(dir, 'dist', 'torii', 'aws-iam', `${unit}.json`), 'utf8')).toBe(await readFile(join(dir, 'local', 'torii', 'aws-iam', `${unit}.json`), 'utf8'))
      }
      const report = JSON.parse(await readFile(join(dir, 'dist', 'report.json'), 'utf8')) as { units: Array<{ unit: string; status: string; counts: { users: number } }> }
      expect(report.units.map((u) => [u.unit, u.status, u.counts.users])).toEqual([['acct-0', 'ok', 120], ['acct-1', 'ok', 120], ['acct-2', 'ok', 120]])
    } finally {
      for (const w of workers) w.child.kill('SIGTERM')
    }
    for (const w of workers) expect((await w.done).code).toBe(0)
  })

  it("hands a killed worker's unit to another worker: outputs and state as if nothing happened", async () => {
    const seed = organization()
    // Slow calls, so that the first worker is surely mid-unit when it is killed.
    const sandbox = await sandboxOf(seed, { latencyMs: 150 })
    const dir = await mkdtemp(join(tmpdir(), 'connectors-dist-e2e-'))
    const config = await writeRunConfig(dir, sandbox, seed)
    const state = await postgres.database()
    const env = { CONNECTORS_QUEUE_PREFIX: redis.prefix() }
    const doomed = startCli(dir, ['--log-level', 'debug', 'worker', '--redis', redis.url, '--state', state, '--concurrency', '3'], env)
    const sync = startCli(dir, ['sync', '--config', config, '--redis', redis.url, '--state', state, '--out', 'dist'], env)
    await new Promise<void>((resolve) => doomed.child.stderr?.on('data', (d: Buffer) => d.toString().includes('"msg":"assumed role"') && resolve()))
    doomed.child.kill('SIGKILL')
    const survivor = startCli(dir, ['worker', '--redis', redis.url, '--state', state], env)
    try {
      const run = await sync.done
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    } finally {
      survivor.child.kill('SIGTERM')
      await survivor.done
    }
    const local = await cli(dir, ['sync', '--config', config, '--out', 'local'])
    expect(local.code).toBe(0)
    const store = await PgState.open(state)
    try {
      for (const [i, account] of seed.accounts.entries()) {
        const unit = `acct-${i}`
        expect(await recordsWithoutRun(join(dir, 'dist'), unit)).toEqual(await recordsWithoutRun(join(dir, 'local'), unit))
        expect(await readFile(join(dir, 'dist', 'torii', 'aws-iam', `${unit}.json`), 'utf8')).toBe(await readFile(join(dir, 'local', 'torii', 'aws-iam', `${unit}.json`), 'utf8'))
        expect((await store.snapshot('aws-iam', account.id)).map((u) => u.id)).toEqual(account.users.map((u) => u.id))
        expect((await store.history('aws-iam', account.id)).map((h) => h.status)).toEqual(['ok'])
      }
    } finally {
      await store.close()
    }
  }, 90_000)

  it('completes a run whose Redis restarted mid-run and forgot it, without doing a settled account twice', async () => {
    const own = await startRedis({ throwaway: true })
    const seed = organization()
    const sandbox = await sandboxOf(seed, { latencyMs: 100 })
    const dir = await mkdtemp(join(tmpdir(), 'connectors-dist-e2e-'))
    const config = await writeRunConfig(dir, sandbox, seed)
    const state = await postgres.database()
    const workers = [0, 1].map(() => startCli(dir, ['--log-level', 'debug', 'worker', '--redis', own.url, '--state', state, '--concurrency', '1']))
    try {
      const sync = startCli(dir, ['sync', '--config', config, '--redis', own.url, '--state', state, '--out', 'dist'])
      await new Promise<void>((resolve) => workers[0]?.child.stderr?.on('data', (d: Buffer) => d.toString().includes('"msg":"unit finished"') && resolve()))
      await own.stop()
      await own.start()
      const run = await sync.done
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('3/3 accounts ok') })
    } finally {
      for (const w of workers) w.child.kill('SIGTERM')
      await Promise.all(workers.map((w) => w.done))
      await own.close()
    }
    const local = await cli(dir, ['sync', '--config', config, '--out', 'local'])
    expect(local.code).toBe(0)
    const store = await PgState.open(state)
    try {
      for (const [i, account] of seed.accounts.entries()) {
        expect(await recordsWithoutRun(join(dir, 'dist'), `acct-${i}`)).toEqual(await recordsWithoutRun(join(dir, 'local'), `acct-${i}`))
        // Settled once: the account finished before the restart was not run again.
        expect((await store.history('aws-iam', account.id)).map((h) => h.status)).toEqual(['ok'])
      }
    } finally {
      await store.close()
    }
  }, 90_000)
})
