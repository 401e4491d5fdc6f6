/**
 * PostgreSQL and Redis for tests. `DATABASE_URL` / `REDIS_URL`, when set, name servers to use; otherwise a throwaway
 * server is started from the installed binaries (a PostgreSQL cluster initialized into a temporary folder, a
 * `redis-server` that saves nothing), on a random port, and removed at the end. A throwaway server can also be
 * stopped and started again, which the fault matrix needs. With neither a URL nor the binaries, starting a service
 * fails with what to install: a test that needs a database never passes by skipping.
 *
 * Every test takes its own database (`database()`) or key prefix (`prefix()`), so tests sharing a server never
 * see each other's data.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { asPostgres, binary, freePort, pingRedis, postgresTools, run, spawnService, waitFor, type Spawned } from './services-process.js'

/** A PostgreSQL server for tests. */
export interface PostgresService {
  /** A URL of the server's maintenance database (trust authentication on a throwaway one). */
  readonly url: string
  /** Whether this server was started here (and can be stopped and started). */
  readonly throwaway: boolean
  /** Creates an empty database and returns its URL. */
  database(): Promise<string>
  /** Stops a throwaway server at once (as a crash would), keeping its data. */
  stop(): Promise<void>
  /** Starts a stopped throwaway server again, on the same port with the same data. */
  start(): Promise<void>
  /** Drops the databases made here; stops and removes a throwaway server. */
  close(): Promise<void>
}

/** A Redis server for tests. */
export interface RedisService {
  readonly url: string
  readonly throwaway: boolean
  /** A key prefix of its own for one test. */
  prefix(): string
  /** Kills a throwaway server (it saves nothing: its data is gone, as after a crash without persistence). */
  stop(): Promise<void>
  /** Starts a stopped throwaway server again on the same port. */
  start(): Promise<void>
  close(): Promise<void>
}

/** Options: `throwaway` demands a server of its own even when a URL is set (to stop and start it). */
export interface ServiceOptions {
  readonly throwaway?: boolean
  readonly env?: Readonly<Record<string, string | undefined>>
}

const name = () => `t_${randomBytes(6).toString('hex')}`

async function createDatabase(adminUrl: string): Promise<string> {
  const database = name()
  const client = new pg.Client({ connectionString: adminUrl })
  client.on('error', () => undefined) // a failing connection also rejects the call below
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${database}`)
  } finally {
    await client.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

async function dropDatabases(adminUrl: string, databases: ReadonlyArray<string>): Promise<void> {
  if (databases.length === 0) return
  const client = new pg.Client({ connectionString: adminUrl })
  client.on('error', () => undefined)
  await client.connect()
  try {
    for (const url of databases) await client.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`)
  } finally {
    await client.end()
  }
}

/** Uses `DATABASE_URL`, or starts a throwaway PostgreSQL cluster. */
export async function startPostgres(options: ServiceOptions = {}): Promise<PostgresService> {
  const given = (options.env ?? process.env)['DATABASE_URL']
  const made: string[] = []
  if (given !== undefined && given !== '' && options.throwaway !== true) {
    return {
      url: given,
      throwaway: false,
      database: async () => made[made.push(await createDatabase(given)) - 1] as string,
      stop: () => Promise.reject(new Error('DATABASE_URL names a server of its own: only a throwaway server can be stopped')),
      start: () => Promise.reject(new Error('DATABASE_URL names a server of its own: only a throwaway server can be started')),
      close: () => dropDatabases(given, made.splice(0)),
    }
  }
  const tools = postgresTools()
  if (tools === undefined) throw new Error('no PostgreSQL for tests: set DATABASE_URL, or install the server (Debian: apt-get install postgresql), whose initdb and postgres are looked for in /usr/lib/postgresql/*/bin and on PATH')
  const dir = await mkdtemp(join(tmpdir(), 'connectors-pg-'))
  const data = join(dir, 'data')
  const [initdb, ...initArgs] = asPostgres(dir, [tools.initdb, '-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'])
  await run(initdb as string, initArgs)
  const log = join(dir, 'postgres.log')
  const port = await freePort()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  let server: Spawned | undefined
  const start = async () => {
    // No fsync: only a machine crash loses data then, never a server stopped or killed, which is what tests do.
    // (Commits stay synchronous: an asynchronous commit is lost when the server is killed right after it.)
    server = await spawnService(asPostgres(dir, [tools.postgres, '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300']), log)
    const up = server
    await waitFor(async () => {
      const client = new pg.Client({ connectionString: url })
      client.on('error', () => undefined)
      await client.connect()
      await client.end()
    }, `PostgreSQL on port ${port}`, up, log)
  }
  await start()
  return {
    url,
    throwaway: true,
    database: () => createDatabase(url),
    // SIGQUIT is PostgreSQL's immediate shutdown: no checkpoint, clients cut off — as close to a crash as it gets.
    stop: async () => server?.stop('SIGQUIT'),
    start,
    close: async () => {
      await server?.stop('SIGQUIT')
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Uses `REDIS_URL`, or starts a throwaway `redis-server`. */
export async function startRedis(options: ServiceOptions = {}): Promise<RedisService> {
  const given = (options.env ?? process.env)['REDIS_URL']
  const prefix = () => `t-${randomBytes(6).toString('hex')}`
  if (given !== undefined && given !== '' && options.throwaway !== true) {
    return {
      url: given,
      throwaway: false,
      prefix,
      stop: () => Promise.reject(new Error('REDIS_URL names a server of its own: only a throwaway server can be stopped')),
      start: () => Promise.reject(new Error('REDIS_URL names a server of its own: only a throwaway server can be started')),
      close: async () => undefined,
    }
  }
  const server = binary('redis-server')
  if (server === undefined) throw new Error('no Redis for tests: set REDIS_URL, or install redis-server (Debian: apt-get install redis-server)')
  const dir = await mkdtemp(join(tmpdir(), 'connectors-redis-'))
  const port = await freePort()
  const log = join(dir, 'redis.log')
  let child: Spawned | undefined
  const start = async () => {
    const up = (child = await spawnService([server, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], log))
    await waitFor(() => pingRedis(port), `Redis on port ${port}`, up, log)
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    throwaway: true,
    prefix,
    stop: async () => child?.stop('SIGKILL'),
    start,
    close: async () => {
      await child?.stop('SIGKILL')
      if (existsSync(dir)) await rm(dir, { recursive: true, force: true })
    },
  }
}
