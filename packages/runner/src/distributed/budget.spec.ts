import { startRedis, type RedisService } from '@connectors/testkit'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Budgets } from './budget.js'
import { connectRedis } from './connection.js'

let redis: RedisService
let connection: Redis
beforeAll(async () => {
  redis = await startRedis()
  connection = connectRedis(redis.url)
})
afterAll(async () => {
  connection?.disconnect()
  await redis?.close()
})

describe('the budgets workers share', () => {
  it('lets one holder at a time have an account, and the next one in when it is released', async () => {
    const prefix = redis.prefix()
    const [a, b] = [new Budgets(connection, prefix, { rate: 10, burst: 1 }), new Budgets(connection, prefix, { rate: 10, burst: 1 })]
    const held = await a.lockAccount('aws-iam/111')
    // While it is held, a waiter does not get it (it gives up, holding nothing); another account is free.
    const probe = new AbortController()
    const refused = b.lockAccount('aws-iam/111', probe.signal)
    probe.abort()
    expect(await refused).toBeUndefined()
    const other = await b.lockAccount('aws-iam/222')
    expect(other).toBeDefined()
    const waiting = b.lockAccount('aws-iam/111')
    await held?.release()
    const next = await waiting
    expect(next).toBeDefined()
    await next?.release()
    await other?.release()
  })

  it('hands out AssumeRole tokens no faster than the bucket refills, across workers', async () => {
    const prefix = redis.prefix()
    const workers = [0, 1].map(() => new Budgets(connection, prefix, { rate: 0.001, burst: 2 }))
    // The burst is shared: two takes, by either worker, spend it; a third waits for a refill (here, ~17 minutes).
    expect(await workers[0]?.takeAssumeRole('principal')).toBe(true)
    expect(await workers[1]?.takeAssumeRole('principal')).toBe(true)
    const giveUp = new AbortController()
    const third = workers[0]?.takeAssumeRole('principal', giveUp.signal)
    giveUp.abort()
    expect(await third).toBe(false)
    // Another principal has a bucket of its own.
    expect(await workers[1]?.takeAssumeRole('other-principal')).toBe(true)
  })
})
