/**
 * A deterministic simulation of clients pacing themselves with {@link AdaptiveRateLimiter} against an upstream
 * token bucket, in virtual time: what the limiter's tests measure (throttles drawn, time taken) without a clock.
 * @module
 */
import { seededRandom } from './random.js'
import { AdaptiveRateLimiter, type AdaptiveRateOptions } from './rate.js'

/** The upstream and the client of one simulation. */
export interface Simulation {
  /** Requests per second the upstream's bucket refills at, and its size. */
  readonly rate: number
  readonly burst: number
  /** The upstream's rate from a moment on (another caller in the account went quiet, say). */
  readonly change?: { readonly atMs: number; readonly rate: number }
  /** Share of admitted requests throttled anyway, at random (a storm). */
  readonly randomThrottles?: number
  /** Round trip of every request, ms. */
  readonly latencyMs: number
  /** Requests in flight at once. */
  readonly concurrency: number
  /** Requests to complete. */
  readonly calls: number
  /** The first retry's backoff ceiling, ms; it doubles with each retry up to a second (full jitter). */
  readonly backoffMs?: number
  /** Seed of the random throttles and backoff jitter. */
  readonly seed?: number
  readonly limiter?: Omit<AdaptiveRateOptions, 'now' | 'sleep'>
}

/** What a simulation measured. */
export interface SimulationResult {
  readonly elapsedMs: number
  readonly throttled: number
  /** Of them, by the bucket (the rest were random). */
  readonly bucketThrottled: number
  /** The pace in force at the end (requests/s). */
  readonly finalRate: number
}

/** Runs `sim` to completion in virtual time. */
export async function simulate(sim: Simulation): Promise<SimulationResult> {
  let now = 0
  const timers: Array<{ at: number; seq: number; resolve: () => void }> = []
  let seq = 0
  const sleep = (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + Math.max(0, ms), seq: seq++, resolve }))
  const random = seededRandom(sim.seed ?? 1)
  const limiter = new AdaptiveRateLimiter({ ...sim.limiter, now: () => now, sleep })
  let tokens = sim.burst
  let filledAt = 0
  const take = (): boolean => {
    const rate = sim.change !== undefined && now >= sim.change.atMs ? sim.change.rate : sim.rate
    tokens = Math.min(sim.burst, tokens + ((now - filledAt) * rate) / 1000)
    filledAt = now
    if (tokens < 1) return false
    tokens -= 1
    return true
  }
  let remaining = sim.calls
  let throttled = 0
  let bucketThrottled = 0
  let active = 0
  const worker = async () => {
    while (remaining > 0) {
      remaining--
      for (let retry = 0; ; retry++) {
        const sentAt = await limiter.acquire()
        // The upstream decides when the request arrives, half a round trip after it was sent.
        await sleep(sim.latencyMs / 2)
        const admitted = take()
        const unlucky = admitted && random() < (sim.randomThrottles ?? 0)
        await sleep(sim.latencyMs / 2)
        if (admitted && !unlucky) {
          limiter.succeeded()
          break
        }
        throttled++
        if (!admitted) bucketThrottled++
        limiter.throttled(sentAt)
        await sleep(Math.min(1000, (sim.backoffMs ?? 100) * 2 ** retry) * random())
      }
    }
    active--
  }
  for (let i = 0; i < sim.concurrency; i++) {
    active++
    void worker()
  }
  for (;;) {
    // Let every promise chain run until all workers wait on a timer.
    for (let i = 0; i < 20; i++) await Promise.resolve()
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (active === 0) break
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
    const next = timers.shift()
    if (next === undefined) throw new Error('simulation stalled: workers are waiting on nothing')
    now = next.at
    next.resolve()
  }
  return { elapsedMs: now, throttled, bucketThrottled, finalRate: limiter.currentRate }
}
