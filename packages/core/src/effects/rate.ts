/**
 * An adaptive request rate: unpaced until the upstream first throttles, then paced to what it actually granted
 * (the successes of the last second), probing upward a little with every success. Upstream limits such as
 * IAM's are unpublished and per account: the client learns them rather than assuming a number.
 *
 * Throttles that do not come from a rate (random ones, a storm) must not drive the pace down: "pace to what was
 * granted" would then sink without end, each decrease lowering what is granted next. So a throttle while the
 * upstream admits the pace in full (the successes of the last second keep up with it) is not about our rate: the
 * attempt gives its slot back and the pace stays. Only a pace the upstream does not admit comes down.
 * @module
 */

/** Options for {@link AdaptiveRateLimiter}. */
export interface AdaptiveRateOptions {
  /** Never pace below this many requests per second. Default 1. */
  readonly minRate?: number
  /** Growth of the rate per success, once paced (0.02 = +2%). */
  readonly growth?: number
  /** Further throttles within this many ms of a decrease do not decrease again. Default 250. */
  readonly cooldownMs?: number
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
}

const WINDOW_MS = 1000
/** Successes older than this are forgotten (the window of a slow pace stretches up to it). */
const MAX_WINDOW_MS = 10_000
/** Successes needed in the window before the granted rate is trusted. */
const MIN_SAMPLES = 5
/**
 * Successes at this share of the pace or more mean the upstream admits the pace in full. Below 1, since successes
 * over the last second lag a pace that grows with each of them; a pace up to a third above the limit then wastes
 * some attempts before it is corrected, which is the price of not mistaking random throttles for a limit.
 */
const ADMITTED = 0.75

/** Paces requests to a rate learned from throttling. Call {@link acquire} before each request. */
export class AdaptiveRateLimiter {
  private rate = Number.POSITIVE_INFINITY
  private nextSlot = 0
  private lastDecrease = Number.NEGATIVE_INFINITY
  private readonly recent: number[] = []
  private firstSuccessAt: number | undefined
  private readonly minRate: number
  private readonly growth: number
  private readonly cooldownMs: number
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>

  constructor(options: AdaptiveRateOptions = {}) {
    this.minRate = options.minRate ?? 1
    this.growth = options.growth ?? 0.02
    this.cooldownMs = options.cooldownMs ?? 250
    this.now = options.now ?? (() => performance.now())
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
  }

  /** The rate in force (requests/s); `Infinity` until the first throttle. */
  get currentRate(): number {
    return this.rate
  }

  /**
   * Waits for a free slot. Slots are claimed when they come, not reserved ahead: a queue formed while the pace
   * was low does not outlive a faster pace.
   */
  async acquire(): Promise<void> {
    for (;;) {
      if (!Number.isFinite(this.rate)) return
      const now = this.now()
      if (now >= this.nextSlot) {
        this.nextSlot = now + 1000 / this.rate
        return
      }
      await this.sleep(this.nextSlot - now)
    }
  }

  private prune(now: number): void {
    while (this.recent.length > 0 && (this.recent[0] as number) <= now - MAX_WINDOW_MS) this.recent.shift()
  }

  /**
   * Successes per second over the last window, or over the time since the first success if shorter; `undefined`
   * with fewer than MIN_SAMPLES successes in it, which would pace far too low. The window is a second, stretched
   * for a slow pace to the time 2 × MIN_SAMPLES slots take (else a slow pace could never be seen to be admitted,
   * and random throttles would halve it to the floor).
   */
  private grantedRate(now: number): number | undefined {
    const window = Math.min(MAX_WINDOW_MS, Math.max(WINDOW_MS, Number.isFinite(this.rate) ? (2 * MIN_SAMPLES * 1000) / this.rate : 0))
    let count = 0
    for (let i = this.recent.length - 1; i >= 0 && (this.recent[i] as number) > now - window; i--) count++
    if (count < MIN_SAMPLES) return undefined
    return (count * 1000) / Math.max(100, Math.min(window, now - (this.firstSuccessAt ?? now)))
  }

  /** Reports a success: counted for the estimate; a paced rate probes upward. */
  succeeded(): void {
    const now = this.now()
    this.firstSuccessAt ??= now
    this.recent.push(now)
    this.prune(now)
    if (Number.isFinite(this.rate)) this.rate *= 1 + this.growth
  }

  /**
   * Reports a throttle. If the upstream has been admitting the pace in full, the throttle is not about our rate:
   * the attempt's slot is given back. Otherwise (once per cooldown) the pace comes down to the rate granted over the
   * last second, and the next attempt waits a slot at that pace.
   */
  throttled(): void {
    const now = this.now()
    this.prune(now)
    const granted = this.grantedRate(now)
    if (Number.isFinite(this.rate) && granted !== undefined && granted >= this.rate * ADMITTED) {
      this.nextSlot = Math.max(now, this.nextSlot - 1000 / this.rate)
      return
    }
    if (now - this.lastDecrease < this.cooldownMs) return
    this.lastDecrease = now
    // Without an estimate: stay unpaced, or halve.
    if (granted === undefined) {
      if (Number.isFinite(this.rate)) this.rate = Math.max(this.minRate, this.rate / 2)
    } else this.rate = Math.max(this.minRate, Math.min(granted, this.rate))
    if (Number.isFinite(this.rate)) this.nextSlot = Math.max(this.nextSlot, now + 1000 / this.rate)
  }
}
