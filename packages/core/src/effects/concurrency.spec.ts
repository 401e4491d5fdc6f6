import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import type * as TE from 'fp-ts/TaskEither'
import { describe, expect, it } from 'vitest'
import { ConnectorError } from '../errors.js'
import { AdaptiveLimiter, mapConcurrent } from './concurrency.js'
import { collect } from './stream.js'

const scope = { connector: 'test', account: 'acct', operation: 'op' }
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('AdaptiveLimiter', () => {
  it('halves on a throttle, once per cooldown, and never below min', () => {
    let now = 0
    const limiter = new AdaptiveLimiter({ initial: 16, min: 2, max: 32, decreaseCooldownMs: 100, now: () => now })
    limiter.throttled()
    expect(limiter.limit).toBe(8)
    limiter.throttled()
    expect(limiter.limit).toBe(8)
    for (const _ of [1, 2, 3, 4]) {
      now += 100
      limiter.throttled()
    }
    expect(limiter.limit).toBe(2)
  })

  it('grows by one after a window of successes, up to max', () => {
    const limiter = new AdaptiveLimiter({ initial: 2, max: 3 })
    limiter.succeeded()
    expect(limiter.limit).toBe(2)
    limiter.succeeded()
    expect(limiter.limit).toBe(3)
    for (let i = 0; i < 10; i++) limiter.succeeded()
    expect(limiter.limit).toBe(3)
  })

  it('grows only after the quiet time without a throttle, counted from the start too', () => {
    let now = 0
    const limiter = new AdaptiveLimiter({ initial: 2, min: 2, max: 8, growAfterQuietMs: 1000, now: () => now })
    for (let i = 0; i < 10; i++) limiter.succeeded()
    expect(limiter.limit).toBe(2)
    now = 1000
    limiter.succeeded()
    expect(limiter.limit).toBe(3)
    now = 1500
    limiter.throttled()
    for (let i = 0; i < 10; i++) limiter.succeeded()
    expect(limiter.limit).toBe(2)
    now = 2500
    for (let i = 0; i < 2; i++) limiter.succeeded()
    expect(limiter.limit).toBe(3)
  })

  it('never runs more tasks at once than its limit, whatever the task durations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 40 }), async (limit, durations) => {
        const limiter = new AdaptiveLimiter({ initial: limit, max: limit })
        let running = 0
        let peak = 0
        const task = (ticks: number): TE.TaskEither<ConnectorError, number> => async () => {
          peak = Math.max(peak, ++running)
          for (let i = 0; i < ticks; i++) await tick()
          running--
          return E.right(ticks)
        }
        const result = await collect(mapConcurrent(durations, task, limiter))
        expect(result).toEqual(E.right(durations))
        return peak <= limit && limiter.peakActive <= limit
      }),
      { numRuns: 60 },
    )
  })

  it('shrinks when tasks are throttled, so fewer run at once', async () => {
    const limiter = new AdaptiveLimiter({ initial: 8, max: 8, decreaseCooldownMs: 0 })
    const throttle: TE.TaskEither<ConnectorError, never> = async () => E.left(ConnectorError.throttled({ ...scope, detail: 'Rate exceeded' }))
    await limiter.run(throttle)()
    await limiter.run(throttle)()
    expect(limiter.limit).toBe(2)
  })
})

describe('mapConcurrent', () => {
  it('keeps input order even when later items finish first', async () => {
    const limiter = new AdaptiveLimiter({ initial: 4, max: 4 })
    const result = await collect(
      mapConcurrent([5, 1, 3, 0], (n) => async () => {
        for (let i = 0; i < n; i++) await tick()
        return E.right(n * 10)
      }, limiter),
    )
    expect(result).toEqual(E.right([50, 10, 30, 0]))
  })

  it('ends at the first error and starts nothing after it', async () => {
    const limiter = new AdaptiveLimiter({ initial: 1, max: 1 })
    const started: number[] = []
    const denied = ConnectorError.accessDenied({ ...scope, detail: 'no' })
    const result = await collect(
      mapConcurrent([1, 2, 3, 4], (n) => async () => {
        started.push(n)
        return n === 2 ? E.left(denied) : E.right(n)
      }, limiter, 1),
    )
    expect(result).toEqual(E.left(denied))
    expect(started).toEqual([1, 2])
  })

  it('reads an async source lazily', async () => {
    let produced = 0
    async function* source() {
      for (let i = 0; i < 1_000; i++) {
        produced++
        yield i
      }
    }
    const limiter = new AdaptiveLimiter({ initial: 2, max: 2 })
    for await (const item of mapConcurrent(source(), (n) => async () => E.right(n), limiter, 4)) {
      if (E.isRight(item) && item.right === 0) break
    }
    expect(produced).toBeLessThanOrEqual(5)
  })
})
