/** The groups fetcher: ListGroups pages, each group checked and listed once. */
import { ListGroupsCommand, paginateListGroups } from '@aws-sdk/client-iam'
import { checkedListing, sdkCall, sdkPages } from '@connectors/aws'
import { mapStream, type Fetcher, type Group } from '@connectors/core'
import type { AwsIamSession } from '../auth.js'
import { mapGroup } from '../mappers/group.js'
import { IAM, PAGE_SIZE } from './pages.js'

export const groupsFetcher: Fetcher<AwsIamSession, 'groups'> = {
  probes: { 'iam:ListGroups': (session) => sdkCall(session, 'iam:ListGroups', () => session.iam().send(new ListGroupsCommand({ MaxItems: 1 }))) },
  fetch: (session) => {
    const pages = sdkPages(session, 'iam:ListGroups', (marker) => paginateListGroups({ client: session.iam(), pageSize: PAGE_SIZE, startingToken: marker }, {}), IAM)
    const groups = mapStream(pages, (page): ReadonlyArray<Group> => (page.Groups ?? []).map((g) => mapGroup(g, session.accountId)))
    return checkedListing(session, 'iam:ListGroups', groups, { service: IAM.service, kind: 'group', id: (g) => g.id, name: (g) => g.name, validName: /^[\w+=,.@-]{1,128}$/ })
  },
}
