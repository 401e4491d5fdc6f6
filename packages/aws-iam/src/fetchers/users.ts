/** The users fetcher: ListUsers pages, each mapped with the user's groups from the memberships. */
import { paginateListUsers } from '@aws-sdk/client-iam'
import { mapStream, type Fetcher, type Membership, type User } from '@connectors/core'
import type { AwsIamSession } from '../auth.js'
import { mapUser } from '../mappers/user.js'
import { checkedListing, iamPages, PAGE_SIZE } from './pages.js'

/** Group names by user id. */
export function groupsByUserId(memberships: ReadonlyArray<Membership>): Map<string, string[]> {
  const index = new Map<string, string[]>()
  for (const m of memberships) {
    const list = index.get(m.userId)
    if (list === undefined) index.set(m.userId, [m.groupName])
    else list.push(m.groupName)
  }
  return index
}

export const usersFetcher: Fetcher<AwsIamSession, 'users'> = {
  needs: ['memberships'],
  fetch: (session, inputs) => {
    const ctx = { accountId: session.accountId, groupsByUserId: groupsByUserId(inputs.memberships ?? []), emailRule: session.emailRule }
    const pages = iamPages(session, 'iam:ListUsers', (client, startingToken) => paginateListUsers({ client, pageSize: PAGE_SIZE, startingToken }, {}))
    const users = mapStream(pages, (page): ReadonlyArray<User> => (page.Users ?? []).map((u) => mapUser(u, ctx)))
    return checkedListing(session, 'iam:ListUsers', users, { kind: 'user', id: (u) => u.id, name: (u) => u.username, validName: /^[\w+=,.@-]{1,64}$/ })
  },
}
