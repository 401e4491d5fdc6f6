import { identityStoreListing } from './identity-store-listing.js'

/** `identitystore:ListGroups` — IdentityStoreId, MaxResults, NextToken; each group's GroupId, DisplayName and Description. */
export const identityStoreListGroups = identityStoreListing({ action: 'ListGroups', element: 'Groups', list: (store) => ({ items: store.groups, listing: `groups:${store.id}` }) })
