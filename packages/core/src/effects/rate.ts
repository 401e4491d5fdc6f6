/**
 * An adaptive request rate: unpaced until the upstream first throttles, then paced just below the rate it was
 * seen to refuse. Upstream limits such as IAM's are unpublished and per account: the client learns them rather
 * than assuming a number, and once learned, keeps below them instead of re-testing them with every success.
 *
 * - **Learning.** A throttle means the upstream's bucket is empty, so what it grants from then on is its refill
 *   rate: successes counted since the last cut (once they span {@link SINCE_CUT_MS}), or since the first cut (once
 *   there are {@link MIN_SAMPLES} of them), measure it without an earlier burst inflating it. Until such a
 *   measurement exists the pace halves with each throttle of an attempt sent at it. Throttles of attempts sent
 *   before the last cut say nothing about the pace since and are ignored, except those in flight with the very
 *   first throttle: when they come back throttled too, the bucket is empty rather than that throttle unlucky, and
 *   the successes before it are read as a burst ({@link BURST_MS}) plus refill.
 * - **Holding.** The pace regains up to {@link MARGIN} of the ceiling (the rate last refused) and stays there.
 * - **Probing.** After {@link QUIET_MS} without a throttle the ceiling rises slowly ({@link PROBE_PER_S}), so a
 *   limit that was raised is found; the first throttle above the rate last refused ends the probe, and what the
 *   upstream granted meanwhile becomes the rate last refused when it is more.
 * - **Noise.** Throttles that do not come from a rate (random ones, a storm) must not drive the pace down: "pace
 *   to what was granted" would then sink without end, each decrease lowering what is granted next. A throttle
 *   while the upstream admits the pace in full (successes keep up with {@link ADMITTED} of it) is not about our
 *   rate: the attempt gives its slot back and the pace stays.
 * @module
 */

/** Options for {@link AdaptiveRateLimiter}. */
export interface AdaptiveRateOptions {
  /** Never pace below this many requests per second. Default 1. */
  readonly minRate?: number
  /** Growth of the pace per success while below the ceiling (0.02 = +2%). */
  readonly growth?: number
  /** Without the send time of a throttled attempt, throttles within this many ms of a cut do not cut again. Default 250. */
  readonly cooldownMs?: number
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
}

const WINDOW_MS = 1000
/** Successes older than this are forgotten (the window of a slow pace stretches up to it). */
const MAX_WINDOW_MS = 10_000
/** Successes needed before the granted rate is trusted. */
const MIN_SAMPLES = 5
/**
 * Successes at this share of the pace or more mean the upstream admits the pace in full. Below 1, since random
 * throttles take their share of a pace the upstream admits.
 */
const ADMITTED = 0.75
/** The pace is held this far below the rate last refused: room for jitter in when requests arrive. */
const MARGIN = 0.95
/** Without a throttle for this long, the ceiling is probed upward. */
const QUIET_MS = 5_000
/** The probe's rise of the ceiling per second. */
const PROBE_PER_S = 0.02
/**
 * The burst an upstream's bucket is assumed to hold, in ms of its refill (AWS's buckets commonly hold a second or
 * more): successes that spent it in less time are not taken for the rate.
 */
const BURST_MS = 1000
/** Successes since the last cut measure the upstream's rate once they span this long. */
const SINCE_CUT_MS = 250

/** Paces requests to a rate learned from throttling. Call {@link acquire} before each request. */
export class AdaptiveRateLimiter {
  private rate = Number.POSITIVE_INFINITY
  private ceiling = Number.POSITIVE_INFINITY
  /** The ceiling the last cut set, before any probe above it. */
  private refused = Number.POSITIVE_INFINITY
  private nextSlot = 0
  private lastDecrease = Number.NEGATIVE_INFINITY
  private lastProbe = 0
  /** When the first throttle came: successes before it may have spent the upstream's burst. */
  private firstThrottleAt = Number.POSITIVE_INFINITY
  /** When the first cut came: the upstream's bucket was empty then. */
  private firstCutAt = Number.POSITIVE_INFINITY
  private readonly recent: number[] = []
  /** When throttles came that found too few successes to measure by (the last MAX_WINDOW_MS of them). */
  private readonly refusals: number[] = []
  private firstSuccessAt: number | undefined
  /** After the first cut, while the attempts in flight with its throttle come back: see {@link inFlightAtFirstCut}. */
  private firstCut: { readonly burstless: number; throttles: number } | undefined
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
   * Waits for a free slot and returns when it was taken (pass it to {@link throttled}). Slots are claimed when they
   * come, not reserved ahead: a queue formed while the pace was low does not outlive a faster pace.
   */
  async acquire(): Promise<number> {
    for (;;) {
      const now = this.now()
      if (!Number.isFinite(this.rate)) return now
      if (now >= this.nextSlot) {
        this.nextSlot = now + 1000 / this.rate
        return now
      }
      await this.sleep(this.nextSlot - now)
    }
  }

  /** A throttled attempt's slot goes back to the next one: the pace stays as it was. */
  private giveBack(now: number): void {
    if (Number.isFinite(this.rate)) this.nextSlot = Math.max(now, this.nextSlot - 1000 / this.rate)
  }

  private prune(now: number): void {
    while (this.recent.length > 0 && (this.recent[0] as number) <= now - MAX_WINDOW_MS) this.recent.shift()
    while (this.refusals.length > 0 && (this.refusals[0] as number) <= now - MAX_WINDOW_MS) this.refusals.shift()
  }

  /** Successes (or, with `of`, throttles) after `since`. */
  private count(since: number, of: ReadonlyArray<number> = this.recent): number {
    let count = 0
    for (let i = of.length - 1; i >= 0 && (of[i] as number) > since; i--) count++
    return count
  }

  /**
   * Successes per second the upstream granted, and whether they were measured since the last cut (then the upstream's
   * bucket was empty, so nothing of an earlier burst inflates them). Failing that, over the last window — from the
   * first throttle on once paced, since the successes before it may have spent a burst; a window from the first
   * cut, when that was the first throttle, is as good as one since the last cut. `spanMs`: the time they were
   * counted over.
   */
  private grantedRate(now: number): { readonly rate: number; readonly sinceCut: boolean; readonly spanMs: number } | undefined {
    const sinceCut = now - this.lastDecrease
    if (sinceCut >= SINCE_CUT_MS && sinceCut <= MAX_WINDOW_MS) {
      const count = this.count(this.lastDecrease)
      if (count >= MIN_SAMPLES) return { rate: (count * 1000) / sinceCut, sinceCut: true, spanMs: sinceCut }
    }
    const window = Math.min(MAX_WINDOW_MS, Math.max(WINDOW_MS, Number.isFinite(this.rate) ? (2 * MIN_SAMPLES * 1000) / this.rate : 0))
    const from = Math.max(now - window, Number.isFinite(this.rate) ? this.firstThrottleAt : Number.NEGATIVE_INFINITY)
    const count = this.count(from)
    if (count < MIN_SAMPLES) return undefined
    const spanMs = Math.max(100, Math.min(now - from, now - (this.firstSuccessAt ?? now)))
    // Counted from the first cut, when the upstream's bucket was empty, the successes are its refill alone.
    return { rate: (count * 1000) / spanMs, sinceCut: from === this.firstCutAt, spanMs }
  }

  /** Reports a success: counted for the estimate; the pace regains toward the ceiling, or probes past it when quiet. */
  succeeded(): void {
    const now = this.now()
    this.firstSuccessAt ??= now
    this.recent.push(now)
    this.prune(now)
    if (!Number.isFinite(this.rate)) return
    const target = this.ceiling * MARGIN
    if (this.rate < target) this.rate = Math.min(target, this.rate * (1 + this.growth))
    else if (now - this.lastDecrease >= QUIET_MS) {
      // At most a second's rise per success: a success after a long idle gap does not leap the ceiling.
      this.ceiling *= 1 + (PROBE_PER_S * Math.min(1000, Math.max(0, now - Math.max(this.lastProbe, this.lastDecrease + QUIET_MS)))) / 1000
      this.lastProbe = now
      this.rate = this.ceiling * MARGIN
    }
  }

  /**
   * Reports a throttle of an attempt sent at `sentAt` (from {@link acquire}). One sent before the last cut, or one
   * the pace is admitted in full despite, changes nothing (the latter gives its slot back); one that ends a probe
   * returns to below the rate last refused; any other cuts the pace to below what the upstream granted.
   */
  throttled(sentAt?: number): void {
    const now = this.now()
    this.prune(now)
    if (sentAt !== undefined && sentAt <= this.lastDecrease) return this.inFlightAtFirstCut(now)
    if (sentAt === undefined && now - this.lastDecrease < this.cooldownMs) return
    this.firstThrottleAt = Math.min(this.firstThrottleAt, now)
    const granted = this.grantedRate(now)
    if (this.ceiling > this.refused) {
      // A probe above the rate last refused met a throttle: back to below it — or to what the upstream granted through
      // the quiet time and the probe, when that is more (a raised limit is kept) — and quiet again before the next.
      this.ceiling = this.refused = Math.max(this.refused, granted?.sinceCut === true ? Math.min(granted.rate, this.ceiling) : 0)
      this.rate = Math.min(this.rate, this.refused * MARGIN)
      this.lastDecrease = now
      return
    }
    if (Number.isFinite(this.rate) && granted !== undefined && granted.rate >= this.rate * ADMITTED) return this.giveBack(now)
    if (granted === undefined) {
      // Too few successes to measure by: halve only when throttles outnumber them since the last cut (a pace well
      // over a limit), not for a throttle now and then (random ones at a slow pace).
      this.refusals.push(now)
      if (!Number.isFinite(this.rate) || this.count(this.lastDecrease, this.refusals) <= this.count(this.lastDecrease)) return this.giveBack(now)
      this.lastDecrease = now
      this.rate = Math.max(this.minRate, this.rate / 2)
      return
    }
    this.lastDecrease = now
    this.ceiling = this.refused = Math.max(this.minRate, Math.min(granted.rate, this.rate))
    if (!Number.isFinite(this.rate)) {
      this.firstCutAt = now
      // The successes before the first throttle may hold a burst: with a bucket of BURST_MS of refill, the refill is
      // about their count ÷ (their span + BURST_MS).
      this.firstCut = { burstless: (granted.rate * granted.spanMs) / (granted.spanMs + BURST_MS), throttles: 0 }
    }
    // An estimate not measured since a cut may hold a burst, too high: halve until one is.
    this.rate = Math.max(this.minRate, granted.sinceCut && Number.isFinite(this.rate) ? this.ceiling * MARGIN : this.ceiling / 2)
    this.nextSlot = Math.max(this.nextSlot, now + 1000 / this.rate)
  }

  /**
   * A throttle of an attempt sent before the last cut. After the first cut, attempts that were in flight with the
   * first throttle tell a limit from bad luck: a random throttle leaves the others admitted, an empty bucket throttles
   * them too. When two or more come back throttled, outnumbering the successes since, the successes before the first
   * throttle held a burst: the pace drops to the rate they show with a bucket's burst taken out. The ceiling stays:
   * an upstream whose bucket holds less than {@link BURST_MS} of refill is regained up to its rate.
   */
  private inFlightAtFirstCut(now: number): void {
    const cut = this.firstCut
    if (cut === undefined || this.lastDecrease !== this.firstCutAt) return
    cut.throttles++
    if (cut.throttles < 2 || cut.throttles <= this.count(this.firstCutAt)) return
    this.firstCut = undefined
    const rate = Math.max(this.minRate, cut.burstless)
    if (rate >= this.rate) return
    this.lastDecrease = now
    this.rate = rate
    this.nextSlot = Math.max(this.nextSlot, now + 1000 / this.rate)
  }
}
