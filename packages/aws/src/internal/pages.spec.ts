import { collect, ConnectorError, type Stream } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { sdkError } from '../testing.js'
import { checkedListing, sdkPages, type ListingCheck } from './pages.js'

interface Entity {
  readonly id: string
  readonly name: string
}

const session = { connector: 'aws-iam', accountId: '123456789012' }
const check: ListingCheck<Entity> = { service: 'IAM', kind: 'group', id: (e) => e.id, name: (e) => e.name, validName: /^[\w+=,.@-]{1,128}$/ }

async function* pages(...list: ReadonlyArray<ReadonlyArray<Entity>>): Stream<ReadonlyArray<Entity>> {
  for (const page of list) yield E.right(page)
}

const run = (...list: ReadonlyArray<ReadonlyArray<Entity>>) => collect(checkedListing(session, 'iam:ListGroups', pages(...list), check))

describe('checkedListing', () => {
  it('passes a listing of distinct, well-formed entities through unchanged', async () => {
    const list = [[{ id: 'AGPA1', name: 'admins' }], [{ id: 'AGPA2', name: 'dev.ops+=,@-_' }]]
    expect(await run(...list)).toEqual(E.right(list))
  })

  it('ends with Upstream at an entity listed twice, after the pages before it', async () => {
    const seen: Array<ReadonlyArray<Entity>> = []
    let error
    for await (const page of checkedListing(session, 'iam:ListGroups', pages([{ id: 'AGPA1', name: 'admins' }], [{ id: 'AGPA1', name: 'admins' }], [{ id: 'AGPA3', name: 'late' }]), check)) {
      if (E.isRight(page)) seen.push(page.right)
      else error = page.left
    }
    expect(seen).toEqual([[{ id: 'AGPA1', name: 'admins' }]])
    expect(error).toMatchObject({ reason: 'Upstream', account: '123456789012', operation: 'iam:ListGroups', detail: 'ListGroups listed group admins (AGPA1) twice; the pagination is inconsistent' })
  })

  it('ends with Upstream at an entity IAM could not have sent', async () => {
    expect(await run([{ id: '', name: 'admins' }])).toMatchObject(E.left({ reason: 'Upstream', detail: 'ListGroups returned a group IAM could not have (id "", name "admins")' }))
    expect(await run([{ id: 'AGPA1', name: 'has space' }])).toMatchObject(E.left({ detail: expect.stringContaining('name "has space"') }))
    expect(await run([{ id: 'AGPA1', name: 'g'.repeat(129) }])).toMatchObject(E.left({ reason: 'Upstream' }))
  })
})

describe('sdkPages', () => {
  interface JsonPage {
    readonly Users: ReadonlyArray<string>
    readonly NextToken?: string
  }
  const JSON_PAGES = { service: 'Identity Store', tokenField: 'NextToken', maxPages: 100 } as const
  /** A JSON-protocol listing of `pages` (NextToken = the next page's index), throwing `fail(index)` where it says. */
  const listing = (pages: ReadonlyArray<ReadonlyArray<string>>, fail: (index: number) => Error | undefined = () => undefined) => {
    const starts: Array<string | undefined> = []
    const paginate = async function* (token: string | undefined): AsyncIterable<JsonPage> {
      starts.push(token)
      for (let i = token === undefined ? 0 : Number(token); i < pages.length; i++) {
        const thrown = fail(i)
        if (thrown !== undefined) throw thrown
        yield { Users: pages[i] ?? [], ...(i + 1 < pages.length ? { NextToken: String(i + 1) } : {}) }
      }
    }
    return { starts, paginate }
  }
  const sessionWith = (renew: () => Promise<E.Either<ConnectorError, void>>) => ({
    ...session,
    renew,
    translate: (thrown: unknown, operation: string) => ConnectorError.upstream({ connector: 'aws-iam', account: session.accountId, operation, detail: String((thrown as Error).name) }),
  })
  const renewals = () => {
    const calls: number[] = []
    return { calls, renew: async () => (calls.push(calls.length), E.right(undefined)) }
  }

  it('follows NextToken to the last page', async () => {
    const { paginate, starts } = listing([['a'], ['b'], ['c']])
    const result = await collect(sdkPages(sessionWith(renewals().renew), 'identitystore:ListUsers', paginate, JSON_PAGES))
    expect(E.map((pages: ReadonlyArray<JsonPage>) => pages.map((p) => p.Users))(result)).toEqual(E.right([['a'], ['b'], ['c']]))
    expect(starts).toEqual([undefined])
  })

  it('renews an expired session once and resumes from the last token handed on', async () => {
    let expired = false
    const { paginate, starts } = listing([['a'], ['b'], ['c']], (i) => (i === 2 && !expired ? ((expired = true), sdkError('ExpiredTokenException', 'expired', 400)) : undefined))
    const { calls, renew } = renewals()
    const result = await collect(sdkPages(sessionWith(renew), 'identitystore:ListUsers', paginate, JSON_PAGES))
    expect(E.map((pages: ReadonlyArray<JsonPage>) => pages.map((p) => p.Users))(result)).toEqual(E.right([['a'], ['b'], ['c']]))
    expect(calls).toHaveLength(1)
    expect(starts).toEqual([undefined, '2'])
  })

  it('fails on a second expiry at the same position, and on anything else, translated once', async () => {
    const { paginate } = listing([['a'], ['b']], (i) => (i === 1 ? sdkError('ExpiredToken', 'expired', 400) : undefined))
    const { calls, renew } = renewals()
    expect(await collect(sdkPages(sessionWith(renew), 'iam:ListUsers', paginate, JSON_PAGES))).toMatchObject(E.left({ reason: 'Upstream', detail: 'ExpiredToken' }))
    expect(calls).toHaveLength(1)
    const denied = listing([['a']], () => sdkError('AccessDeniedException', 'no', 400))
    expect(await collect(sdkPages(sessionWith(renew), 'identitystore:ListUsers', denied.paginate, JSON_PAGES))).toMatchObject(E.left({ operation: 'identitystore:ListUsers', detail: 'AccessDeniedException' }))
  })

  it('refuses a truncated page without its token, and a token that repeats', async () => {
    const truncated = async function* (): AsyncIterable<{ readonly IsTruncated: boolean; readonly Marker?: string }> {
      yield { IsTruncated: true }
    }
    const iam = { service: 'IAM', tokenField: 'Marker', maxPages: 1_000 } as const
    expect(await collect(sdkPages(sessionWith(renewals().renew), 'iam:ListUsers', truncated, iam))).toMatchObject(
      E.left({ reason: 'Upstream', detail: 'IAM said the listing is truncated but returned no Marker; refusing to report a partial listing as whole' }),
    )
    const repeating = async function* (): AsyncIterable<JsonPage> {
      for (;;) yield { Users: [], NextToken: 'again' }
    }
    expect(await collect(sdkPages(sessionWith(renewals().renew), 'identitystore:ListUsers', repeating, JSON_PAGES))).toMatchObject(E.left({ reason: 'Upstream', detail: expect.stringContaining('a second time') }))
  })
})
