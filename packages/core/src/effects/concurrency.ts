/**
 * Bounded concurrency whose limit adapts to throttling, TCP-style: halve on a throttle (multiplicative
 * decrease), grow by one after a window of successes (additive increase), always within [min, max]; optionally
 * only once a quiet time has passed without a throttle.
 * @module
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { ConnectorError } from '../errors.js'
import type { Stream } from './stream.js'

/** Bounds for an {@link AdaptiveLimiter}. */
export interface AdaptiveLimitOptions {
  readonly initial: number
  readonly min?: number
  readonly max: number
  /** After a decrease, further throttles within this many ms do not decrease again (one burst, one halving). */
  readonly decreaseCooldownMs?: number
  /**
   * The limit grows only after this many ms without a throttle, counted from the start too (default 0): attempts
   * added in flight before an upstream's limit is met are throttled together when it is.
   */
  readonly growAfterQuietMs?: number
  readonly now?: () => number
}

/** A concurrency limit that adapts to throttling. Acquire a slot with {@link AdaptiveLimiter.run}. */
export class AdaptiveLimiter {
  private readonly min: number
  private readonly max: number
  private readonly cooldownMs: number
  private readonly now: () => number
  private current: number
  private running = 0
  private successesSinceChange = 0
  private lastDecreaseAt = Number.NEGATIVE_INFINITY
  private readonly quietMs: number
  /** The last throttle, or the start. */
  private lastThrottleAt: number
  private readonly waiters: Array<() => void> = []
  private peak = 0

  constructor(options: AdaptiveLimitOptions) {
    this.min = Math.max(1, options.min ?? 1)
    this.max = Math.max(this.min, options.max)
    this.current = Math.min(this.max, Math.max(this.min, options.initial))
    this.cooldownMs = options.decreaseCooldownMs ?? 250
    this.quietMs = options.growAfterQuietMs ?? 0
    this.now = options.now ?? Date.now
    this.lastThrottleAt = this.now()
  }

  /** The limit in force now. */
  get limit(): number {
    return this.current
  }

  /** Tasks running now. */
  get active(): number {
    return this.running
  }

  /** The most tasks that ever ran at once. */
  get peakActive(): number {
    return this.peak
  }

  /** Reports a throttle: halves the limit (at most once per cooldown); every throttle restarts the quiet time. */
  throttled(): void {
    const t = this.now()
    this.lastThrottleAt = t
    if (t - this.lastDecreaseAt < this.cooldownMs) return
    this.lastDecreaseAt = t
    this.current = Math.max(this.min, Math.floor(this.current / 2))
    this.successesSinceChange = 0
  }

  /** Reports a success: after `limit` successes in a row (and the quiet time) the limit grows by one. */
  succeeded(): void {
    if (++this.successesSinceChange >= this.current && this.current < this.max && this.now() - this.lastThrottleAt >= this.quietMs) {
      this.current++
      this.successesSinceChange = 0
      this.wake()
    }
  }

  private wake(): void {
    while (this.running < this.current && this.waiters.length > 0) {
      this.running++
      this.peak = Math.max(this.peak, this.running)
      this.waiters.shift()?.()
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.current) {
      this.running++
      this.peak = Math.max(this.peak, this.running)
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  private release(): void {
    this.running--
    this.wake()
  }

  /** Runs `task` in a slot; a `Throttled` result shrinks the limit, a success may grow it. */
  run<A>(task: TE.TaskEither<ConnectorError, A>): TE.TaskEither<ConnectorError, A> {
    return async () => {
      await this.acquire()
      try {
        const result = await task()
        if (E.isRight(result)) this.succeeded()
        else if (result.left.reason === 'Throttled') this.throttled()
        return result
      } finally {
        this.release()
      }
    }
  }
}

/**
 * Runs `f` over every item of `items` under `limiter`, yielding results in input order. At most `limiter.limit`
 * calls run at once and at most `maxBuffered` finished results wait for a slower predecessor, so memory stays
 * bounded. The stream ends at the first error (in input order); calls already running are awaited, none started.
 */
export async function* mapConcurrent<A, B>(
  items: AsyncIterable<A> | Iterable<A>,
  f: (a: A) => TE.TaskEither<ConnectorError, B>,
  limiter: AdaptiveLimiter,
  maxBuffered = 256,
): Stream<B> {
  const iterator = (Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<A>)[Symbol.iterator]()) as
    | AsyncIterator<A>
    | Iterator<A>
  const pending: Array<Promise<E.Either<ConnectorError, B>>> = []
  let exhausted = false
  let failed = false
  const fill = async () => {
    while (!exhausted && !failed && pending.length < maxBuffered) {
      const next = await iterator.next()
      if (next.done === true) {
        exhausted = true
        return
      }
      pending.push(limiter.run(f(next.value))())
    }
  }
  try {
    await fill()
    while (pending.length > 0) {
      const head = await (pending.shift() as Promise<E.Either<ConnectorError, B>>)
      if (E.isLeft(head)) {
        failed = true
        await Promise.allSettled(pending)
        yield head
        return
      }
      yield head
      await fill()
    }
  } finally {
    if (!exhausted) await iterator.return?.()
  }
}
