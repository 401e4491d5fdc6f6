/** The users fetcher: ListUsers pages, each mapped with the user's groups from the memberships. */
import { paginateListUsers } from '@aws-sdk/client-iam'
import { ConnectorError, mapStream, type Fetcher, type Membership, type Stream, type User } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type { AwsIamSession } from '../auth.js'
import { mapUser } from '../mappers/user.js'
import { iamPages, PAGE_SIZE } from './pages.js'

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

/**
 * Ends the stream with an `Upstream` error at a user IAM could not have sent: no id, a name beyond IAM's rules,
 * or a user listed twice (which also stops an endless pagination that repeats its pages under new markers).
 */
async function* validUsers(session: AwsIamSession, pages: Stream<ReadonlyArray<User>>): Stream<ReadonlyArray<User>> {
  const seen = new Set<string>()
  const refuse = (detail: string) => E.left(ConnectorError.upstream({ connector: 'aws-iam', account: session.accountId, operation: 'iam:ListUsers', detail }))
  for await (const page of pages) {
    if (E.isRight(page)) {
      for (const u of page.right) {
        if (u.id === '' || !/^[\w+=,.@-]{1,64}$/.test(u.username)) {
          yield refuse(`ListUsers returned a user IAM could not have (id ${JSON.stringify(u.id)}, name ${JSON.stringify(u.username.slice(0, 80))})`)
          return
        }
        if (seen.has(u.id)) {
          yield refuse(`ListUsers listed user ${u.username} (${u.id}) twice; the pagination is inconsistent`)
          return
        }
        seen.add(u.id)
      }
    }
    yield page
    if (E.isLeft(page)) return
  }
}

export const usersFetcher: Fetcher<AwsIamSession, 'users'> = {
  needs: ['memberships'],
  fetch: (session, inputs) => {
    const ctx = { accountId: session.accountId, groupsByUserId: groupsByUserId(inputs.memberships ?? []), emailRule: session.emailRule }
    const pages = iamPages(session, 'iam:ListUsers', (client, startingToken) => paginateListUsers({ client, pageSize: PAGE_SIZE, startingToken }, {}))
    return validUsers(session, mapStream(pages, (page): ReadonlyArray<User> => (page.Users ?? []).map((u) => mapUser(u, ctx))))
  },
}
