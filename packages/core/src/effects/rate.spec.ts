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
    for (let i = 0; i < 20; i++) {
      limiter.succeeded()
      c.advance(10)
    }
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
    for (let i = 0; i < 5; i++) {
      limiter.succeeded()
      c.advance(20)
    }
    limiter.throttled()
    expect(limiter.currentRate).toBe(50)
  })

  it('never paces below 80% of the best second granted (random throttles must not starve it)', () => {
    const c = clock()
    const limiter = new AdaptiveRateLimiter({ now: c.now, sleep: c.sleep, cooldownMs: 0 })
    for (let i = 0; i < 30; i++) {
      limiter.succeeded()
      c.advance(50)
    }
    limiter.succeeded()
    for (let i = 0; i < 20; i++) {
      c.advance(1000)
      limiter.throttled()
    }
    expect(limiter.currentRate).toBeGreaterThanOrEqual(16)
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

})
