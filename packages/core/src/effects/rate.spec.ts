import { describe, expect, it } from 'vitest'
import { AdaptiveRateLimiter } from './rate.js'

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

  it('paces to what the upstream granted in the last second, then probes upward', async () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, growth: 0.1 })
    succeed(limiter, c, 20, 10)
    c.advance(800)
    // 20 successes in the first second (the oldest just left the window): 19 per second.
    limiter.throttled()
    expect(limiter.currentRate).toBe(19)
    await limiter.acquire()
    await limiter.acquire()
    expect(c.waits.reduce((a, b) => a + b, 0)).toBeCloseTo(2000 / 19, 5)
    limiter.succeeded()
    expect(limiter.currentRate).toBeCloseTo(19 * 1.1, 5)
  })

  it('estimates a rate, not a count, when the first throttle comes early', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep })
    succeed(limiter, c, 5, 20)
    limiter.throttled()
    expect(limiter.currentRate).toBe(50)
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
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, minRate: 3, cooldownMs: 100 })
    for (let i = 0; i < 5; i++) limiter.succeeded()
    c.advance(999)
    limiter.throttled()
    const first = limiter.currentRate
    expect(first).toBeCloseTo(5, 1)
    limiter.throttled()
    expect(limiter.currentRate).toBe(first)
    for (let i = 0; i < 5; i++) {
      c.advance(200)
      limiter.throttled()
    }
    expect(limiter.currentRate).toBe(3)
  })

  it('gives a throttled attempt its slot back, and keeps a pace the upstream grants in full despite random throttles', async () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, cooldownMs: 0 })
    succeed(limiter, c, 10, 100)
    limiter.throttled()
    expect(limiter.currentRate).toBe(9)
    // Paced at 9/s, every attempt admitted but one in three throttled at random: the successes still come at the
    // pace (throttled slots are reused at once), so the pace holds instead of sinking with each throttle.
    await randomThrottles(limiter, 60)
    expect(limiter.currentRate).toBeGreaterThanOrEqual(9)
    // 40 admitted attempts at 9/s (a pace that sank with each throttle would need well over 5 s).
    expect(c.now()).toBeLessThan(1000 + (42 * 1000) / 9)
  })

  it('brings a pace the upstream does not admit in full down to what it granted', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, growth: 0, cooldownMs: 0 })
    succeed(limiter, c, 20, 50)
    limiter.throttled()
    expect(limiter.currentRate).toBe(19)
    // Paced at 19/s, only 10 a second are admitted.
    succeed(limiter, c, 10, 100)
    limiter.throttled()
    // Nine of them in the last second (the first just left it).
    expect(limiter.currentRate).toBe(9)
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
