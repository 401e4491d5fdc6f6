import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConnectorError } from '../errors.js'
import { backoffDelay, retrying, type RetryDeps, type RetryPolicy } from './retry.js'

const scope = { connector: 'test', account: 'acct', operation: 'op' }
const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 }

function fakeDeps(waits: number[]): RetryDeps {
  return { sleep: async (ms) => void waits.push(ms), random: () => 0.5 }
}

function failing(errors: ReadonlyArray<ConnectorError>, then: string) {
  let calls = 0
  const task = async () => {
    const e = errors[calls++]
    return e === undefined ? E.right(then) : E.left(e)
  }
  return { task, calls: () => calls }
}

describe('backoffDelay', () => {
  it('stays within [0, min(cap, base·2^n)] for any draw (full jitter)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (retry, r) => {
        const d = backoffDelay(policy, retry, () => r)
        return d >= 0 && d <= Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry)
      }),
    )
  })

  it('never waits less than a retry-after hint, nor more than the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (retry, hint, r) => {
        const d = backoffDelay(policy, retry, () => r, hint)
        return d >= Math.min(hint, policy.maxDelayMs) && d <= policy.maxDelayMs
      }),
    )
  })
})

describe('retrying', () => {
  it('retries retryable errors and returns the eventual success', async () => {
    const waits: number[] = []
    const t = failing([ConnectorError.throttled({ ...scope, detail: 'Rate exceeded' }), ConnectorError.transient({ ...scope, detail: '500' })], 'ok')
    expect(await retrying(t.task, policy, fakeDeps(waits))()).toEqual(E.right('ok'))
    expect(t.calls()).toBe(3)
    expect(waits).toEqual([50, 100])
  })

  it('gives up at once on a non-retryable error', async () => {
    const waits: number[] = []
    const denied = ConnectorError.accessDenied({ ...scope, detail: 'no' })
    const t = failing([denied], 'never')
    expect(await retrying(t.task, policy, fakeDeps(waits))()).toEqual(E.left(denied))
    expect(t.calls()).toBe(1)
    expect(waits).toEqual([])
  })

  it('stops after maxAttempts with the last error', async () => {
    const waits: number[] = []
    const errors = Array.from({ length: 9 }, (_, i) => ConnectorError.transient({ ...scope, detail: `fail ${i}` }))
    const t = failing(errors, 'never')
    const result = await retrying(t.task, policy, fakeDeps(waits))()
    expect(result).toEqual(E.left(errors[4]))
    expect(t.calls()).toBe(5)
    expect(waits).toHaveLength(4)
  })

  it('allows more attempts for throttles than for other failures', async () => {
    const throttles = Array.from({ length: 9 }, () => ConnectorError.throttled({ ...scope, detail: 'Rate exceeded' }))
    const t = failing(throttles, 'ok')
    expect(await retrying(t.task, { ...policy, maxThrottledAttempts: 10 }, fakeDeps([]))()).toEqual(E.right('ok'))
    expect(t.calls()).toBe(10)
  })

  it('honours retry-after, and gives up when the hint exceeds the cap', async () => {
    const waits: number[] = []
    const t = failing([ConnectorError.throttled({ ...scope, detail: 'slow down', retryAfterMs: 1_500 })], 'ok')
    expect(await retrying(t.task, policy, fakeDeps(waits))()).toEqual(E.right('ok'))
    expect(waits).toEqual([1_500])
    const tooLong = ConnectorError.throttled({ ...scope, detail: 'come back tomorrow', retryAfterMs: 86_400_000 })
    const t2 = failing([tooLong], 'never')
    expect(await retrying(t2.task, policy, fakeDeps(waits))()).toEqual(E.left(tooLong))
  })

  it('reports each retry before waiting', async () => {
    const seen: string[] = []
    const t = failing([ConnectorError.throttled({ ...scope, detail: 'Rate exceeded' })], 'ok')
    await retrying(t.task, policy, { ...fakeDeps([]), onRetry: (e, n, ms) => seen.push(`${e.reason}#${n}@${ms}`) })()
    expect(seen).toEqual(['Throttled#1@50'])
  })
})
