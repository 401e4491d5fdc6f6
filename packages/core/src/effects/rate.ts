/**
 * An adaptive request rate: unpaced until the upstream first throttles, then paced to what it actually granted
 * (the successes of the last second), probing upward a little with every success. Upstream limits such as
 * IAM's are unpublished and per account: the client learns them rather than assuming a number.
 *
 * Throttles that do not come from a rate (random ones, a storm) would drive "pace to what was granted" down
 * without end, since each decrease lowers what is granted next: the pace never drops below 80% of the best
 * second the upstream has granted so far.
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
/** Successes needed in the window before the granted rate is trusted. */
const MIN_SAMPLES = 5

/** Paces requests to a rate learned from throttling. Call {@link acquire} before each request. */
export class AdaptiveRateLimiter {
  private rate = Number.POSITIVE_INFINITY
  private nextSlot = 0
  private lastDecrease = Number.NEGATIVE_INFINITY
  private readonly recent: number[] = []
  private bestSecond = 0
  private windowStart: number | undefined
  private windowCount = 0
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
    while (this.recent.length > 0 && (this.recent[0] as number) <= now - WINDOW_MS) this.recent.shift()
  }

  /** Reports a success: counted for the estimate; a paced rate probes upward. */
  succeeded(): void {
    const now = this.now()
    this.windowStart ??= now
    if (now - this.windowStart >= WINDOW_MS) {
      this.bestSecond = Math.max(this.bestSecond, this.windowCount)
      this.windowStart = now
      this.windowCount = 0
    }
    this.windowCount++
    this.recent.push(now)
    this.prune(now)
    if (Number.isFinite(this.rate)) this.rate *= 1 + this.growth
  }

  /** Reports a throttle: pace to the rate granted over the last second (once per cooldown). */
  throttled(): void {
    const now = this.now()
    if (now - this.lastDecrease < this.cooldownMs) return
    this.lastDecrease = now
    this.prune(now)
    // A throttle with (almost) no success in the last second says little about the granted rate: an estimate from
    // one or two samples would pace far too low. Stay unpaced, or halve.
    if (this.recent.length < MIN_SAMPLES) {
      if (Number.isFinite(this.rate)) this.rate = Math.max(this.minRate, this.bestSecond * 0.8, this.rate / 2)
      return
    }
    // Successes per second over the last second, or over the time since the first success if shorter.
    const span = Math.max(100, Math.min(WINDOW_MS, now - (this.windowStart ?? now)))
    const granted = (this.recent.length * 1000) / span
    const floor = Math.max(this.minRate, this.bestSecond * 0.8)
    this.rate = Math.max(floor, Number.isFinite(this.rate) ? Math.min(granted, this.rate * 0.9) : granted)
    this.nextSlot = Math.max(this.nextSlot, now + 1000 / this.rate)
  }
}
