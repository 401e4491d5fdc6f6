/** The groups fetcher: ListGroups pages, each group checked and listed once. */
import { paginateListGroups } from '@aws-sdk/client-iam'
import { mapStream, type Fetcher, type Group } from '@connectors/core'
import type { AwsIamSession } from '../auth.js'
import { mapGroup } from '../mappers/group.js'
import { checkedListing, iamPages, PAGE_SIZE } from './pages.js'

export const groupsFetcher: Fetcher<AwsIamSession, 'groups'> = {
  fetch: (session) => {
    const pages = iamPages(session, 'iam:ListGroups', (client, startingToken) => paginateListGroups({ client, pageSize: PAGE_SIZE, startingToken }, {}))
    const groups = mapStream(pages, (page): ReadonlyArray<Group> => (page.Groups ?? []).map((g) => mapGroup(g, session.accountId)))
    return checkedListing(session, 'iam:ListGroups', groups, { kind: 'group', id: (g) => g.id, name: (g) => g.name, validName: /^[\w+=,.@-]{1,128}$/ })
  },
}
