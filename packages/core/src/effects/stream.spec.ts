import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readAhead } from './stream.js'

/** A source that records when each item was requested, relative to the consumer's progress. */
function source(items: ReadonlyArray<number>, failAt?: number) {
  const log: string[] = []
  let returned = false
  async function* gen() {
    try {
      for (const [i, item] of items.entries()) {
        log.push(`fetch ${i}`)
        await new Promise((resolve) => setTimeout(resolve, 1))
        if (i === failAt) throw new Error(`page ${i} failed`)
        yield item
      }
    } finally {
      returned = true
    }
  }
  return { iterable: gen(), log, returned: () => returned }
}

describe('readAhead', () => {
  it('yields the same items in the same order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer(), { maxLength: 20 }), async (items) => {
        const out: number[] = []
        for await (const item of readAhead(source(items).iterable)) out.push(item)
        expect(out).toEqual(items)
      }),
      { numRuns: 30 },
    )
  })

  it('requests the next item before the consumer is done with the current one', async () => {
    const s = source([10, 20, 30])
    for await (const item of readAhead(s.iterable)) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      s.log.push(`used ${item}`)
    }
    expect(s.log).toEqual(['fetch 0', 'fetch 1', 'used 10', 'fetch 2', 'used 20', 'used 30'])
  })

  it('surfaces an error where it occurred, after the items before it', async () => {
    const s = source([1, 2, 3], 2)
    const out: number[] = []
    await expect(
      (async () => {
        for await (const item of readAhead(s.iterable)) out.push(item)
      })(),
    ).rejects.toThrow('page 2 failed')
    expect(out).toEqual([1, 2])
  })

  it('closes the source when the consumer stops early', async () => {
    const s = source([1, 2, 3])
    for await (const item of readAhead(s.iterable)) {
      expect(item).toBe(1)
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
    // The source is left suspended after its second item unless it is told to return.
    expect(s.returned()).toBe(true)
    expect(s.log).toEqual(['fetch 0', 'fetch 1'])
  })

  it('lets the item in flight fail unobserved when the consumer has stopped (no unhandled rejection)', async () => {
    const s = source([1, 2, 3], 1)
    for await (const item of readAhead(s.iterable)) {
      expect(item).toBe(1)
      break
    }
    // An unhandled rejection would fail this test run.
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(s.log).toEqual(['fetch 0', 'fetch 1'])
  })
})
