/**
 * The memberships fetcher: ListGroupMemberships for every listed group, each with its own pagination, under the
 * account's adaptive concurrency. A group deleted between ListGroups and ListGroupMemberships has no members to report.
 */
import { ListGroupMembershipsCommand, paginateListGroupMemberships } from '@aws-sdk/client-identitystore'
import { allowedIfNotFound, sdkCall } from '@connectors/aws'
import { mapConcurrent, type ConnectorError, type Fetcher, type Group, type Membership } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { AwsIdentityCenterSession } from '../auth.js'
import { mapMembership } from '../mappers/group.js'
import { PAGE_SIZE } from './pages.js'
import { onStore, storePages } from './store.js'

/** A well-formed group id no store holds: the call answers ResourceNotFoundException when allowed, AccessDenied when not. */
const PROBE_GROUP_ID = '00000000-0000-4000-8000-000000000000'

/** Every member of one group, following the listing's pagination. */
export function listGroupMembers(session: AwsIdentityCenterSession, group: Group): TE.TaskEither<ConnectorError, ReadonlyArray<Membership>> {
  return async () => {
    const members: Membership[] = []
    const pages = storePages(session, 'identitystore:ListGroupMemberships', (IdentityStoreId, token) =>
      paginateListGroupMemberships({ client: session.identitystore(), pageSize: PAGE_SIZE, startingToken: token }, { IdentityStoreId, GroupId: group.id }),
    )
    for await (const page of pages) {
      if (E.isLeft(page)) return page.left.reason === 'NotFound' ? E.right([]) : page
      for (const m of page.right.GroupMemberships ?? []) {
        const membership = mapMembership(group, m)
        if (membership !== undefined) members.push(membership)
      }
    }
    return E.right(members)
  }
}

export const membershipsFetcher: Fetcher<AwsIdentityCenterSession, 'memberships'> = {
  needs: ['groups'],
  probes: {
    // One call whatever the store holds; ResourceNotFoundException proves the permission.
    'identitystore:ListGroupMemberships': (session) =>
      onStore(session, (id) => allowedIfNotFound(sdkCall(session, 'identitystore:ListGroupMemberships', () => session.identitystore().send(new ListGroupMembershipsCommand({ IdentityStoreId: id, GroupId: PROBE_GROUP_ID, MaxResults: 1 }))))),
  },
  fetch: (session, inputs) => mapConcurrent(inputs.groups ?? [], (group) => listGroupMembers(session, group), session.limiter),
}
