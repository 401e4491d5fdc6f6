/**
 * Retry with exponential backoff and full jitter: the delay before attempt n+1 is uniform in
 * [0, min(cap, base·2ⁿ)], never less than the upstream's retry-after hint. Only retryable errors retry.
 * @module
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { ConnectorError } from '../errors.js'

/** How hard to retry. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number
  /** The backoff scale, in milliseconds. */
  readonly baseDelayMs: number
  /** No single wait exceeds this (a retry-after hint above it is honoured up to it, then we give up). */
  readonly maxDelayMs: number
  /**
   * Attempts in all when the failures are throttles (default: `maxAttempts`). Throttling says "later", not
   * "broken": a storm should slow a sync down, not fail it.
   */
  readonly maxThrottledAttempts?: number
}

/** How many attempts `policy` allows for an error of this reason. */
export function attemptsFor(policy: RetryPolicy, reason: string): number {
  return reason === 'Throttled' ? (policy.maxThrottledAttempts ?? policy.maxAttempts) : policy.maxAttempts
}

/** A sensible default for rate-limited APIs: 8 attempts (24 when throttled), 100 ms base, 20 s cap. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, maxThrottledAttempts: 24, baseDelayMs: 100, maxDelayMs: 20_000 }

/**
 * The delay before retry number `retry` (0 for the first retry), with full jitter drawn from `random` (in [0, 1)).
 * A `retryAfterMs` hint sets the floor. Always within [0, maxDelayMs].
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 30))
  const jittered = Math.floor(random() * ceiling)
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0))
}

/** What {@link retrying} needs from the outside world (so tests substitute time and chance). */
export interface RetryDeps {
  readonly sleep: (ms: number) => Promise<void>
  readonly random: () => number
  /** Called before each wait, e.g. to log or to shrink concurrency on throttling. */
  readonly onRetry?: (error: ConnectorError, retry: number, delayMs: number) => void
}

/** The real clock and chance. */
export const liveRetryDeps: RetryDeps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
}

/**
 * Runs `task`, retrying retryable failures by `policy`. Non-retryable errors return at once; the last error
 * returns when attempts run out.
 */
export function retrying<A>(
  task: TE.TaskEither<ConnectorError, A>,
  policy: RetryPolicy = defaultRetryPolicy,
  deps: RetryDeps = liveRetryDeps,
): TE.TaskEither<ConnectorError, A> {
  return async () => {
    for (let attempt = 1; ; attempt++) {
      const result = await task()
      if (E.isRight(result) || !result.left.retryable || attempt >= attemptsFor(policy, result.left.reason)) return result
      const error = result.left
      const hint = error.reason === 'Throttled' ? error.retryAfterMs : undefined
      if (hint !== undefined && hint > policy.maxDelayMs) return result
      const delay = backoffDelay(policy, attempt - 1, deps.random, hint)
      deps.onRetry?.(error, attempt, delay)
      await deps.sleep(delay)
    }
  }
}
