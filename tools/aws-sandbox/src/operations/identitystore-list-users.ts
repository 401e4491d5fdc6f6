import { identityStoreListing } from './identity-store-listing.js'

/** `identitystore:ListUsers` — IdentityStoreId, MaxResults, NextToken; each user's UserId, UserName, DisplayName, Name and Emails. */
export const identityStoreListUsers = identityStoreListing({ action: 'ListUsers', element: 'Users', list: (store) => ({ items: store.users, listing: `users:${store.id}` }) })
