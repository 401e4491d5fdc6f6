/** The users fetcher: ListUsers pages, each user checked, listed once, and mapped with its groups from the memberships. */
import { ListUsersCommand, paginateListUsers } from '@aws-sdk/client-identitystore'
import { checkedListing, sdkCall } from '@connectors/aws'
import { groupsByUserId, mapStream, type Fetcher, type User } from '@connectors/core'
import type { AwsIdentityCenterSession } from '../auth.js'
import { mapUser } from '../mappers/user.js'
import { PAGE_SIZE } from './pages.js'
import { onStore, storePages } from './store.js'

/** Identity Store's UserName rule: 1–128 letters, marks, symbols, digits and punctuation. */
const USER_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u

export const usersFetcher: Fetcher<AwsIdentityCenterSession, 'users'> = {
  // Users are the product: they are listed even when the memberships could not be, with their roles unknown rather than empty.
  uses: ['memberships'],
  probes: {
    'identitystore:ListUsers': (session) => onStore(session, (id) => sdkCall(session, 'identitystore:ListUsers', () => session.identitystore().send(new ListUsersCommand({ IdentityStoreId: id, MaxResults: 1 })))),
    // Probed only when the config names no store: then the session's store id is the discovery itself.
    'sso:ListInstances': (session) => session.identityStoreId,
  },
  fetch: (session, inputs) => {
    const ctx = { accountId: session.accountId, groupsByUserId: inputs.memberships === undefined ? undefined : groupsByUserId(inputs.memberships) }
    const pages = storePages(session, 'identitystore:ListUsers', (IdentityStoreId, token) => paginateListUsers({ client: session.identitystore(), pageSize: PAGE_SIZE, startingToken: token }, { IdentityStoreId }))
    const users = mapStream(pages, (page): ReadonlyArray<User> => (page.Users ?? []).map((u) => mapUser(u, ctx)))
    return checkedListing(session, 'identitystore:ListUsers', users, { service: 'Identity Store', kind: 'user', id: (u) => u.id, name: (u) => u.username, validName: USER_NAME })
  },
}
