/** The groups fetcher: ListGroups pages. */
import { paginateListGroups } from '@aws-sdk/client-iam'
import { mapStream, type Fetcher, type Group } from '@connectors/core'
import type { AwsIamSession } from '../auth.js'
import { mapGroup } from '../mappers/group.js'
import { iamPages, PAGE_SIZE } from './pages.js'

export const groupsFetcher: Fetcher<AwsIamSession, 'groups'> = {
  fetch: (session) =>
    mapStream(
      iamPages(session, 'iam:ListGroups', (client, startingToken) => paginateListGroups({ client, pageSize: PAGE_SIZE, startingToken }, {})),
      (page): ReadonlyArray<Group> => (page.Groups ?? []).map((g) => mapGroup(g, session.accountId)),
    ),
}
