/** Identity Store groups and memberships → canonical groups and memberships (pure). */
import type { Group as IdentityStoreGroup, GroupMembership } from '@aws-sdk/client-identitystore'
import type { Group, Membership } from '@connectors/core'

/** Maps one ListGroups entry: its DisplayName is its name. */
export function mapGroup(g: IdentityStoreGroup, accountId: string): Group {
  return {
    accountId,
    id: g.GroupId ?? '',
    name: g.DisplayName ?? '',
    ...(g.CreatedAt !== undefined ? { createdAt: g.CreatedAt.toISOString() } : {}),
  }
}

/**
 * Maps one ListGroupMemberships entry, or `undefined` for a member that is not a user. Identity Store names members
 * by id alone: the username is on the user's record, not repeated here.
 */
export function mapMembership(group: Group, m: GroupMembership): Membership | undefined {
  const userId = m.MemberId !== undefined && 'UserId' in m.MemberId ? m.MemberId.UserId : undefined
  return userId === undefined || userId === '' ? undefined : { accountId: group.accountId, groupId: group.id, groupName: group.name, userId }
}
