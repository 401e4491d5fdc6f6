import { JsonErrors } from '../aws-error.js'
import { identityStoreListing, RESOURCE_ID_MEMBER } from './identity-store-listing.js'

/**
 * `identitystore:ListGroupMemberships` — IdentityStoreId, GroupId, MaxResults, NextToken; each membership's
 * MembershipId, GroupId and MemberId.UserId. A GroupId the store does not hold is ResourceNotFoundException.
 */
export const identityStoreListGroupMemberships = identityStoreListing({
  action: 'ListGroupMemberships',
  element: 'GroupMemberships',
  ids: [RESOURCE_ID_MEMBER('GroupId')],
  list: (store, params) => {
    const groupId = params['GroupId'] as string
    const memberships = store.memberships.get(groupId)
    return memberships === undefined ? JsonErrors.resourceNotFound('GROUP not found.', 'GROUP', groupId) : { items: memberships, listing: `memberships:${store.id}:${groupId}` }
  },
})
