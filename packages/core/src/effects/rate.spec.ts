import { describe, expect, it } from 'vitest'
import { AdaptiveRateLimiter } from './rate.js'
import { simulate } from './rate.simulation.js'

function clock() {
  let t = 0
  const waits: number[] = []
  return {
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms)
      t += ms
    },
    advance: (ms: number) => void (t += ms),
    waits,
  }
}

/** `n` successes, `ms` apart. */
function succeed(limiter: AdaptiveRateLimiter, c: ReturnType<typeof clock>, n: number, ms: number): void {
  for (let i = 0; i < n; i++) {
    limiter.succeeded()
    c.advance(ms)
  }
}

/** `attempts` paced attempts, every third throttled at random (the pace is admitted in full). */
async function randomThrottles(limiter: AdaptiveRateLimiter, attempts: number): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    await limiter.acquire()
    if (i % 3 === 2) limiter.throttled()
    else limiter.succeeded()
  }
}

describe('AdaptiveRateLimiter', () => {
  it('does not pace until the first throttle', async () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep })
    for (let i = 0; i < 100; i++) await limiter.acquire()
    expect(c.waits).toEqual([])
    expect(limiter.currentRate).toBe(Number.POSITIVE_INFINITY)
  })

  it('halves the first estimate (a burst inflates it), then paces below what the upstream granted since that cut', async () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, growth: 0 })
    succeed(limiter, c, 20, 10)
    c.advance(800)
    // 20 successes in the first second (the oldest just left the window): 19 per second, halved.
    limiter.throttled(c.now())
    expect(limiter.currentRate).toBe(9.5)
    await limiter.acquire()
    await limiter.acquire()
    expect(c.waits.reduce((a, b) => a + b, 0)).toBeCloseTo(2000 / 9.5, 5)
    // Since that cut (the two waits, then a second) the upstream granted 8 successes, under the pace: the pace comes
    // down to 5% below that rate.
    succeed(limiter, c, 8, 125)
    limiter.throttled(c.now())
    expect(limiter.currentRate).toBeCloseTo(((8 * 1000) / (2000 / 9.5 + 1000)) * 0.95, 5)
  })

  it('trusts what was granted since the first throttle (the bucket was empty then) before a cut could be measured', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, growth: 0, cooldownMs: 0 })
    succeed(limiter, c, 30, 5)
    limiter.throttled(c.now())
    expect(limiter.currentRate).toBe(100)
    const firstThrottle = c.now()
    // The pace (100/s) is far above the upstream's 25/s: five successes since the first throttle, then a throttle.
    c.advance(40)
    succeed(limiter, c, 5, 40)
    limiter.throttled(c.now())
    // Within 250 ms of the cut, too soon to measure since it; but what was granted since the first throttle is the
    // upstream's refill alone: paced 5% below it at once, not halved again as an estimate holding a burst would be.
    expect(limiter.currentRate).toBeCloseTo(((5 * 1000) / (c.now() - firstThrottle)) * 0.95, 5)
  })

  it('regains up to just below the rate last refused, and stays there', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, growth: 0.1 })
    succeed(limiter, c, 20, 50)
    limiter.throttled(c.now())
    expect(limiter.currentRate).toBe(9.5)
    succeed(limiter, c, 40, 50)
    expect(limiter.currentRate).toBeCloseTo(19 * 0.95, 5)
  })

  it('estimates a rate, not a count, when the first throttle comes early', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep })
    succeed(limiter, c, 5, 20)
    limiter.throttled(c.now())
    // Five successes in 100 ms: 50 a second, halved.
    expect(limiter.currentRate).toBe(25)
  })

  it('ignores throttles of attempts sent before the last cut when the others in flight were admitted: bad luck, not a limit', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, growth: 0 })
    succeed(limiter, c, 10, 10)
    const sentBefore = c.now() - 5
    limiter.throttled(c.now())
    const cut = limiter.currentRate
    c.advance(10)
    succeed(limiter, c, 3, 1)
    for (let i = 0; i < 3; i++) limiter.throttled(sentBefore)
    expect(limiter.currentRate).toBe(cut)
  })

  it('counts an attempt sent at the very instant of a cut as sent before it', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, growth: 0 })
    succeed(limiter, c, 10, 10)
    limiter.throttled(c.now())
    const cut = limiter.currentRate
    const cutAt = c.now()
    c.advance(10)
    succeed(limiter, c, 1, 1)
    // Sent as the cut was made: it met the pace before the cut (the one success since outnumbers it).
    limiter.throttled(cutAt)
    expect(limiter.currentRate).toBe(cut)
  })

  it('takes the burst out of the first estimate when the attempts in flight with the first throttle come back throttled too', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep })
    // 28 successes in 140 ms: 200 a second, if that were the rate; halved at the first throttle.
    succeed(limiter, c, 28, 5)
    const sentBefore = c.now() - 5
    limiter.throttled(c.now())
    expect(limiter.currentRate).toBe(100)
    // One more of the attempts then in flight throttled: it could be bad luck.
    c.advance(5)
    limiter.throttled(sentBefore)
    expect(limiter.currentRate).toBe(100)
    // A second one, and nothing admitted since: the bucket is empty. Those 28 successes were a burst of up to a second's
    // refill plus 140 ms of refill: the pace drops to 28 ÷ 1.14 s.
    limiter.throttled(sentBefore)
    expect(limiter.currentRate).toBeCloseTo(28_000 / 1140, 5)
    // Later throttles of attempts sent before that cut change nothing more.
    limiter.throttled(sentBefore)
    expect(limiter.currentRate).toBeCloseTo(28_000 / 1140, 5)
  })

  it('stays unpaced when throttled before enough successes to estimate from', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep })
    limiter.throttled()
    limiter.succeeded()
    limiter.succeeded()
    c.advance(300)
    limiter.throttled()
    expect(limiter.currentRate).toBe(Number.POSITIVE_INFINITY)
  })

  it('decreases once per cooldown and never below minRate', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, minRate: 1, cooldownMs: 100 })
    for (let i = 0; i < 5; i++) limiter.succeeded()
    c.advance(999)
    limiter.throttled()
    const first = limiter.currentRate
    expect(first).toBeCloseTo(2.5, 1)
    limiter.throttled()
    expect(limiter.currentRate).toBe(first)
    // Nothing admitted for ten seconds: each throttle past the cooldown halves the pace, down to the floor.
    c.advance(10_000)
    for (let i = 0; i < 5; i++) {
      c.advance(200)
      limiter.throttled()
    }
    expect(limiter.currentRate).toBe(1)
  })

  it('gives a throttled attempt its slot back, and keeps a pace the upstream grants in full despite random throttles', async () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, cooldownMs: 0 })
    succeed(limiter, c, 10, 100)
    limiter.throttled()
    expect(limiter.currentRate).toBe(4.5)
    // Paced at 4.5/s, every attempt admitted but one in three throttled at random: the successes still come at the
    // pace (throttled slots are reused at once), so the pace holds instead of sinking with each throttle.
    await randomThrottles(limiter, 60)
    expect(limiter.currentRate).toBeGreaterThanOrEqual(4.5)
    // 40 admitted attempts at 4.5/s (a pace that sank with each throttle would need well over 10 s).
    expect(c.now()).toBeLessThan(1000 + (42 * 1000) / 4.5)
  })

  it('brings a pace the upstream does not admit in full down to what it granted', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, growth: 0, cooldownMs: 0 })
    succeed(limiter, c, 20, 50)
    limiter.throttled()
    expect(limiter.currentRate).toBe(9.5)
    // Paced at 9.5/s, only 3 a second are admitted since the cut.
    c.advance(100)
    succeed(limiter, c, 6, 333)
    limiter.throttled()
    expect(limiter.currentRate).toBeCloseTo((6000 / (100 + 6 * 333)) * 0.95, 5)
  })

  it('keeps a slow pace that is admitted in full: random throttles do not halve it to the floor', async () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, growth: 0, cooldownMs: 0 })
    succeed(limiter, c, 10, 50)
    limiter.throttled()
    // From now on the upstream admits two calls a second.
    for (let i = 0; i < 12; i++) {
      c.advance(500)
      limiter.succeeded()
      limiter.throttled()
    }
    const slow = limiter.currentRate
    expect(slow).toBeGreaterThan(1.5)
    expect(slow).toBeLessThan(3)
    // Paced there, one attempt in three throttled at random: too few successes fit in one second to judge the
    // pace by, so the window stretches to five slots, where they do.
    await randomThrottles(limiter, 30)
    expect(limiter.currentRate).toBeGreaterThanOrEqual(slow * 0.9)
  })
})

describe('AdaptiveRateLimiter against a token bucket (simulated time)', () => {
  /** The simulation under three seeds (random throttles, backoff jitter). */
  const underSeeds = (sim: Omit<Parameters<typeof simulate>[0], 'seed'>) => Promise.all([1, 2, 3].map((seed) => simulate({ ...sim, seed })))

  it('learns a fixed limit with few throttles and holds just below it', async () => {
    // 500 calls, four in flight, against 25 requests/s with a burst of 25: at best (500 − 25) / 25 = 19 s. The four
    // in flight when the burst runs out are throttled whatever the client does; learning the rate costs a few more.
    for (const r of await underSeeds({ rate: 25, burst: 25, latencyMs: 20, concurrency: 4, calls: 500 })) {
      expect(r.throttled).toBeLessThanOrEqual(8)
      expect(r.elapsedMs).toBeLessThan(19_000 * 1.05)
    }
  })

  it('holds a long run below the limit: its probes cost a few throttles a minute, not one every few successes', async () => {
    const r = await simulate({ rate: 10, burst: 10, latencyMs: 30, concurrency: 8, calls: 1500, seed: 1 })
    expect(r.elapsedMs).toBeLessThan(149_000 * 1.05)
    expect(r.throttled).toBeLessThanOrEqual(25)
  })

  it('is slowed, not stopped, by a tenth of calls throttled at random whatever the pace', async () => {
    // Unthrottled, 300 calls four at a time take 300 / 4 × 30 ms = 2.25 s; random throttles now and then read as a
    // limit cost two to seven times that (docs/ARCHITECTURE.md). A pace that sank with every throttle would take
    // minutes, as it does at a third of calls throttled at random.
    for (const r of await underSeeds({ rate: 10_000, burst: 10_000, randomThrottles: 0.1, latencyMs: 30, concurrency: 4, calls: 300 })) {
      expect(r.elapsedMs).toBeLessThan(20_000)
    }
  })

  it('measures a limit whose burst dwarfs its rate without spending the burst again and again', async () => {
    // 150 calls against 5/s with a burst of 40: at best (150 − 40) / 5 = 22 s.
    for (const r of await underSeeds({ rate: 5, burst: 40, latencyMs: 40, concurrency: 4, calls: 150 })) {
      expect(r.throttled).toBeLessThanOrEqual(20)
      expect(r.elapsedMs).toBeLessThan(22_000 * 1.3)
    }
  })

  it('finds the headroom when the limit rises mid-run (another caller went quiet)', async () => {
    // 10/s for the first 20 s, then 20/s: held at 10/s throughout, 800 calls would take 80 s.
    const r = await simulate({ rate: 10, burst: 10, change: { atMs: 20_000, rate: 20 }, latencyMs: 30, concurrency: 4, calls: 800, seed: 1 })
    expect(r.elapsedMs).toBeLessThan(70_000)
    expect(r.finalRate).toBeGreaterThan(15)
  })
})
