/** The groups fetcher: ListGroups pages, each group checked and listed once. */
import { ListGroupsCommand, paginateListGroups } from '@aws-sdk/client-identitystore'
import { checkedListing, sdkCall } from '@connectors/aws'
import { mapStream, type Fetcher, type Group } from '@connectors/core'
import type { AwsIdentityCenterSession } from '../auth.js'
import { mapGroup } from '../mappers/group.js'
import { PAGE_SIZE } from './pages.js'
import { onStore, storePages } from './store.js'

/** Identity Store's group DisplayName rule: 1–1024 letters, marks, symbols, digits, punctuation and spaces. */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \u00a0\u3000]{1,1024}$/u

export const groupsFetcher: Fetcher<AwsIdentityCenterSession, 'groups'> = {
  probes: {
    'identitystore:ListGroups': (session) => onStore(session, (id) => sdkCall(session, 'identitystore:ListGroups', () => session.identitystore().send(new ListGroupsCommand({ IdentityStoreId: id, MaxResults: 1 })))),
  },
  fetch: (session) => {
    const pages = storePages(session, 'identitystore:ListGroups', (IdentityStoreId, token) => paginateListGroups({ client: session.identitystore(), pageSize: PAGE_SIZE, startingToken: token }, { IdentityStoreId }))
    const groups = mapStream(pages, (page): ReadonlyArray<Group> => (page.Groups ?? []).map((g) => mapGroup(g, session.accountId)))
    return checkedListing(session, 'identitystore:ListGroups', groups, { service: 'Identity Store', kind: 'group', id: (g) => g.id, name: (g) => g.name, validName: GROUP_NAME })
  },
}
