import pg from 'pg'
import { connect } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { startPostgres, startRedis, type PostgresService, type RedisService } from './services.js'

const started: Array<PostgresService | RedisService> = []
afterAll(async () => {
  for (const service of started.reverse()) await service.close()
})

async function select(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db ?? ''
  } finally {
    await client.end()
  }
}

function redisCommand(url: string, command: string): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    socket.once('error', reject)
    socket.once('data', (d: Buffer) => (socket.destroy(), resolve(d.toString().trim())))
    socket.write(`${command}\r\n`)
  })
}

describe('the test services', () => {
  it('gives each test a database of its own, on a throwaway cluster it can stop and start', async () => {
    const postgres = await startPostgres({ throwaway: true })
    started.push(postgres)
    expect(postgres.throwaway).toBe(true)
    const [a, b] = [await postgres.database(), await postgres.database()]
    expect(a).not.toBe(b)
    expect(await select(a)).toBe(new URL(a).pathname.slice(1))
    await postgres.stop()
    await expect(select(a)).rejects.toThrow()
    await postgres.start()
    expect(await select(b)).toBe(new URL(b).pathname.slice(1))
  })

  it('uses DATABASE_URL and REDIS_URL when they are set, and cannot stop servers it did not start', async () => {
    const own = await startPostgres({ throwaway: true })
    const redis = await startRedis({ throwaway: true })
    started.push(own, redis)
    const postgres = await startPostgres({ env: { DATABASE_URL: own.url } })
    started.push(postgres)
    expect(postgres.throwaway).toBe(false)
    expect(await select(await postgres.database())).toMatch(/^t_/)
    await expect(postgres.stop()).rejects.toThrow(/only a throwaway server can be stopped/)
    const shared = await startRedis({ env: { REDIS_URL: redis.url } })
    expect(shared.url).toBe(redis.url)
    expect(shared.prefix()).not.toBe(shared.prefix())
  })

  it('starts a throwaway Redis that forgets everything when it is restarted', async () => {
    const redis = await startRedis({ throwaway: true })
    started.push(redis)
    expect(await redisCommand(redis.url, 'SET k v')).toBe('+OK')
    await redis.stop()
    await expect(redisCommand(redis.url, 'PING')).rejects.toThrow()
    await redis.start()
    expect(await redisCommand(redis.url, 'GET k')).toBe('$-1')
  })
})
