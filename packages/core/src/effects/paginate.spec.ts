import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { describe, expect, it } from 'vitest'
import { ConnectorError } from '../errors.js'
import { guardPagination, paginate } from './paginate.js'
import { collect } from './stream.js'

const scope = { connector: 'test', account: 'acct', operation: 'list' }
interface Page {
  readonly items: ReadonlyArray<number>
  readonly next?: string
}

describe('paginate', () => {
  it('follows tokens until one is missing, asking with each', async () => {
    const asked: Array<string | undefined> = []
    const pages: Record<string, Page> = { start: { items: [1, 2], next: 'b' }, b: { items: [3], next: 'c' }, c: { items: [] } }
    const result = await collect(
      paginate<Page>(
        (token) => {
          asked.push(token)
          return TE.right(pages[token ?? 'start'] as Page)
        },
        (p) => p.next,
        { scope },
      ),
    )
    expect(asked).toEqual([undefined, 'b', 'c'])
    expect(E.map((ps: ReadonlyArray<Page>) => ps.flatMap((p) => p.items))(result)).toEqual(E.right([1, 2, 3]))
  })

  it('ends with an Upstream error when a token repeats, after yielding the pages it got', async () => {
    const seen: Page[] = []
    let error: ConnectorError | undefined
    for await (const item of paginate<Page>((token) => TE.right({ items: [token === undefined ? 0 : 1], next: 'same' }), (p) => p.next, { scope })) {
      if (E.isLeft(item)) error = item.left
      else seen.push(item.right)
    }
    expect(seen).toHaveLength(2)
    expect(error).toMatchObject({ reason: 'Upstream', operation: 'list', retryable: false })
    expect(error?.detail).toMatch(/"same" a second time/)
  })

  it('ends an endless sequence of fresh tokens at maxPages', async () => {
    let n = 0
    const result = await collect(paginate<Page>(() => TE.right({ items: [], next: `t${n++}` }), (p) => p.next, { scope, maxPages: 50 }))
    expect(result).toEqual(E.left(expect.objectContaining({ reason: 'Upstream', detail: expect.stringMatching(/after 50 pages/) })))
    expect(n).toBe(50)
  })

  it('stops at the first failed page and passes its error on', async () => {
    const denied = ConnectorError.accessDenied({ ...scope, detail: 'no', permission: 'x:List' })
    const result = await collect(paginate<Page>((token) => (token === undefined ? TE.right({ items: [1], next: 'b' }) : TE.left(denied)), (p) => p.next, { scope }))
    expect(result).toEqual(E.left(denied))
  })
})

describe('guardPagination', () => {
  it('guards pages produced elsewhere', async () => {
    async function* pages() {
      yield E.right<ConnectorError, Page>({ items: [1], next: 'm1' })
      yield E.right<ConnectorError, Page>({ items: [2], next: 'm1' })
      yield E.right<ConnectorError, Page>({ items: [3] })
    }
    const result = await collect(guardPagination(pages(), (p) => p.next, { scope }))
    expect(result).toEqual(E.left(expect.objectContaining({ reason: 'Upstream' })))
  })
})
