/** The users fetcher: ListUsers pages, each mapped with the user's groups from the memberships. */
import { ListUsersCommand, paginateListUsers } from '@aws-sdk/client-iam'
import { checkedListing, sdkCall, sdkPages } from '@connectors/aws'
import { mapStream, type Fetcher, type Membership, type User } from '@connectors/core'
import type { AwsIamSession } from '../auth.js'
import * as E from 'fp-ts/Either'
import type { AwsIamConfig } from '../config.js'
import { emailEntries } from '../email-map.js'
import { mapUser } from '../mappers/user.js'
import { IAM, PAGE_SIZE } from './pages.js'

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

export const usersFetcher: Fetcher<AwsIamSession, 'users', AwsIamConfig> = {
  // Users are the product: they are listed even when GetGroup is denied, with their roles unknown rather than empty.
  uses: ['memberships'],
  probes: { 'iam:ListUsers': (session) => sdkCall(session, 'iam:ListUsers', () => session.iam().send(new ListUsersCommand({ MaxItems: 1 }))) },
  fetch: async function* (session, inputs, run, config) {
    const entries = await emailEntries(config.email, run.baseDir, { connector: session.connector, account: session.accountId })
    if (E.isLeft(entries)) return yield entries
    const ctx = { accountId: session.accountId, groupsByUserId: inputs.memberships === undefined ? undefined : groupsByUserId(inputs.memberships), emailRule: config.email, emailEntries: entries.right }
    const pages = sdkPages(session, 'iam:ListUsers', (marker) => paginateListUsers({ client: session.iam(), pageSize: PAGE_SIZE, startingToken: marker }, {}), IAM)
    const users = mapStream(pages, (page): ReadonlyArray<User> => (page.Users ?? []).map((u) => mapUser(u, ctx)))
    yield* checkedListing(session, 'iam:ListUsers', users, { service: IAM.service, kind: 'user', id: (u) => u.id, name: (u) => u.username, validName: /^[\w+=,.@-]{1,64}$/ })
  },
}
