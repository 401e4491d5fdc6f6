import { collect, type Stream } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import type { AwsIamSession } from '../auth.js'
import { checkedListing, type ListingCheck } from './pages.js'

interface Entity {
  readonly id: string
  readonly name: string
}

const session = { accountId: '123456789012' } as AwsIamSession
const check: ListingCheck<Entity> = { kind: 'group', id: (e) => e.id, name: (e) => e.name, validName: /^[\w+=,.@-]{1,128}$/ }

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
