/**
 * The memberships fetcher: GetGroup for every listed group, each with its own pagination, under the
 * account's adaptive concurrency. A group deleted between ListGroups and GetGroup has no members to report.
 */
import { GetGroupCommand, paginateGetGroup } from '@aws-sdk/client-iam'
import { allowedIfNotFound, sdkCall, sdkPages } from '@connectors/aws'
import { mapConcurrent, type ConnectorError, type Fetcher, type Group, type Membership } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import type { AwsIamSession } from '../auth.js'
import { mapMembership } from '../mappers/group.js'
import { IAM, PAGE_SIZE } from './pages.js'

/** Every member of one group, following GetGroup's pagination. */
export function listGroupMembers(session: AwsIamSession, group: Group): TE.TaskEither<ConnectorError, ReadonlyArray<Membership>> {
  return async () => {
    const members: Membership[] = []
    const pages = sdkPages(session, 'iam:GetGroup', (marker) => paginateGetGroup({ client: session.iam(), pageSize: PAGE_SIZE, startingToken: marker }, { GroupName: group.name }), IAM)
    for await (const page of pages) {
      if (E.isLeft(page)) return page.left.reason === 'NotFound' ? E.right([]) : page
      for (const user of page.right.Users ?? []) members.push(mapMembership(group, user))
    }
    return E.right(members)
  }
}

/** A group name no customer has: GetGroup on it answers NoSuchEntity when the permission is there, AccessDenied when not. */
const PROBE_GROUP = 'connectors-permission-probe'

export const membershipsFetcher: Fetcher<AwsIamSession, 'memberships'> = {
  needs: ['groups'],
  probes: {
    // One call whatever the account holds; NoSuchEntity proves the permission.
    'iam:GetGroup': (session) => allowedIfNotFound(sdkCall(session, 'iam:GetGroup', () => session.iam().send(new GetGroupCommand({ GroupName: PROBE_GROUP, MaxItems: 1 })))),
  },
  fetch: (session, inputs) => mapConcurrent(inputs.groups ?? [], (group) => listGroupMembers(session, group), session.limiter),
}
