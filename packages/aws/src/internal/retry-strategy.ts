/**
 * Plugs core's retry policy into the SDK (its `RetryStrategyV2` extension point), so the SDK's declared
 * paginators keep their position across retries while backoff, retry decisions and throttle signals are ours:
 * full-jitter exponential backoff, only retryable `ConnectorError`s, throttles shrink the account's concurrency.
 */
import { attemptsFor, backoffDelay, type ConnectorError, type RetryPolicy } from '@connectors/core'
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types'
import { isExpiredToken } from './errors.js'

/** What the strategy reports. */
export interface RetryHooks {
  /** Classifies an SDK error (the connector's translator). */
  readonly classify: (thrown: unknown) => ConnectorError
  /** Called for every failed attempt, retried or not, with what the SDK threw (throttles shrink concurrency and pace). */
  readonly onError: (error: ConnectorError, thrown: unknown) => void
  /** Called before each retry's wait. */
  readonly onRetry: (error: ConnectorError, retry: number, delayMs: number) => void
  readonly random: () => number
}

/** An SDK error with its translation attached (read back by the session's `translate`). */
export function carrying(thrown: unknown, error: ConnectorError): unknown {
  if (typeof thrown === 'object' && thrown !== null) Object.defineProperty(thrown, 'connectorError', { value: error, configurable: true })
  return thrown
}

/** The operation (`iam:ListUsers`) an SDK error came from, as the attempt middleware tagged it. */
export const operationOf = (thrown: unknown): string | undefined => (typeof thrown === 'object' && thrown !== null ? (thrown as { connectorOperation?: string }).connectorOperation : undefined)

/** When the attempt an SDK error came from took its paced slot (see `AdaptiveRateLimiter.acquire`). */
export const sentAtOf = (thrown: unknown): number | undefined => (typeof thrown === 'object' && thrown !== null ? (thrown as { connectorSentAt?: number }).connectorSentAt : undefined)

/**
 * Tags an SDK error with the operation it came from, so its translation and events name the real operation, and
 * with when its attempt was sent, so a throttle is judged against the pace it met.
 */
export function tagAttempt(thrown: unknown, operation: string, sentAt?: number): void {
  if (typeof thrown !== 'object' || thrown === null) return
  if (operationOf(thrown) === undefined) Object.defineProperty(thrown, 'connectorOperation', { value: operation, configurable: true })
  if (sentAt !== undefined) Object.defineProperty(thrown, 'connectorSentAt', { value: sentAt, configurable: true })
}

/** The longest wait before retrying a throttled call (the pacer does the rest). */
export const THROTTLE_MAX_DELAY_MS = 1_000

const token = (count: number, delay: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delay })

/** The SDK retry strategy backed by a core {@link RetryPolicy}. */
export class ConnectorRetryStrategy implements RetryStrategyV2 {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly hooks: RetryHooks,
  ) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, 0)
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const error = this.hooks.classify(info.error)
    this.hooks.onError(error, info.error)
    const retries = previous.getRetryCount()
    // An expired session cannot be fixed by re-sending the same identity: the fetcher renews the session instead.
    // The translation rides out with the SDK's error, so the caller never translates it a second time.
    if (!error.retryable || isExpiredToken(info.error) || retries + 1 >= attemptsFor(this.policy, error.reason)) throw carrying(info.error, error)
    const hintMs = info.retryAfterHint !== undefined ? Math.max(0, info.retryAfterHint.getTime() - Date.now()) : undefined
    // Throttled calls are paced by the account's rate limiter already: their backoff stays short.
    const policy = error.reason === 'Throttled' ? { ...this.policy, maxDelayMs: Math.min(this.policy.maxDelayMs, THROTTLE_MAX_DELAY_MS) } : this.policy
    const delay = backoffDelay(policy, retries, this.hooks.random, hintMs)
    this.hooks.onRetry(error, retries + 1, delay)
    return token(retries + 1, delay)
  }

  recordSuccess(): void {}
}
