/**
 * The memberships fetcher: GetGroup for every listed group, each with its own pagination, under the
 * account's adaptive concurrency. A group deleted between ListGroups and GetGroup has no members to report.
 */
import { paginateGetGroup } from '@aws-sdk/client-iam'
import { mapConcurrent, type ConnectorError, type Fetcher, type Group, type Membership } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { AwsIamSession } from '../auth.js'
import { mapMembership } from '../mappers/group.js'
import { iamPages, PAGE_SIZE } from './pages.js'

/** Every member of one group, following GetGroup's pagination. */
export function listGroupMembers(session: AwsIamSession, group: Group): TE.TaskEither<ConnectorError, ReadonlyArray<Membership>> {
  return async () => {
    const members: Membership[] = []
    const pages = iamPages(session, 'iam:GetGroup', (client, startingToken) => paginateGetGroup({ client, pageSize: PAGE_SIZE, startingToken }, { GroupName: group.name }))
    for await (const page of pages) {
      if (E.isLeft(page)) return page.left.reason === 'NotFound' ? E.right([]) : page
      for (const user of page.right.Users ?? []) members.push(mapMembership(group, user))
    }
    return E.right(members)
  }
}

export const membershipsFetcher: Fetcher<AwsIamSession, 'memberships'> = {
  needs: ['groups'],
  fetch: (session, inputs) => mapConcurrent(inputs.groups ?? [], (group) => listGroupMembers(session, group), session.limiter),
}
