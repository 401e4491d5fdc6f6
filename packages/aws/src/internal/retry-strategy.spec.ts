import { ConnectorError } from '@connectors/core'
import { describe, expect, it } from 'vitest'
import { ConnectorRetryStrategy, sentAtOf, tagAttempt } from './retry-strategy.js'

const scope = { connector: 'aws-iam', account: '1', operation: 'iam' }
const throttled = ConnectorError.throttled({ ...scope, detail: 'Rate exceeded' })
const denied = ConnectorError.accessDenied({ ...scope, detail: 'no' })

function strategy(classified: ConnectorError, seen: string[] = []) {
  return new ConnectorRetryStrategy(
    { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    { classify: () => classified, random: () => 0.5, onError: () => {}, onRetry: (e, n, ms) => seen.push(`${e.reason}#${n}@${ms}`) },
  )
}

describe('ConnectorRetryStrategy', () => {
  it('retries retryable errors with full-jitter backoff, up to maxAttempts', async () => {
    const seen: string[] = []
    const s = strategy(throttled, seen)
    const t0 = await s.acquireInitialRetryToken()
    const t1 = await s.refreshRetryTokenForRetry(t0, { errorType: 'THROTTLING', error: new Error('x') as never })
    const t2 = await s.refreshRetryTokenForRetry(t1, { errorType: 'THROTTLING', error: new Error('x') as never })
    expect([t1.getRetryDelay(), t2.getRetryDelay()]).toEqual([50, 100])
    await expect(s.refreshRetryTokenForRetry(t2, { errorType: 'THROTTLING', error: new Error('third') as never })).rejects.toThrow('third')
    expect(seen).toEqual(['Throttled#1@50', 'Throttled#2@100'])
  })

  it('does not retry what is not retryable, nor an expired token (the fetcher renews the session)', async () => {
    const s = strategy(denied)
    await expect(s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), { errorType: 'CLIENT_ERROR', error: new Error('denied') as never })).rejects.toThrow('denied')
    const expired = strategy(ConnectorError.authFailed({ ...scope, detail: 'expired', retryable: true }))
    const error = Object.assign(new Error('expired'), { name: 'ExpiredToken' })
    await expect(expired.refreshRetryTokenForRetry(await expired.acquireInitialRetryToken(), { errorType: 'CLIENT_ERROR', error: error as never })).rejects.toThrow('expired')
  })

  it('hands each failed attempt to onError with when it took its paced slot, so the pacer judges it against that pace', async () => {
    const sent: Array<number | undefined> = []
    const s = new ConnectorRetryStrategy({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 }, { classify: () => throttled, random: () => 0.5, onError: (_e, thrown) => sent.push(sentAtOf(thrown)), onRetry: () => {} })
    const error = new Error('Rate exceeded')
    tagAttempt(error, 'iam:GetGroup', 1234.5)
    await s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), { errorType: 'THROTTLING', error: error as never })
    expect(sent).toEqual([1234.5])
    expect((error as { connectorOperation?: string }).connectorOperation).toBe('iam:GetGroup')
  })
})
