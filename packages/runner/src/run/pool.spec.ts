import { describe, expect, it } from 'vitest'
import { mapPooled } from './pool.js'

describe('mapPooled', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0
    let most = 0
    const results = await mapPooled([50, 10, 30, 20, 40, 0], 2, async (ms) => {
      most = Math.max(most, ++running)
      await new Promise((r) => setTimeout(r, ms))
      running--
      return ms * 2
    })
    expect(results).toEqual([100, 20, 60, 40, 80, 0])
    expect(most).toBe(2)
    expect(await mapPooled([], 4, async (x: number) => x)).toEqual([])
  })
})
