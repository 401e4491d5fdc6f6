/** IAM groups and their members → canonical groups and memberships (pure). */
import type { Group as IamGroup, User as IamUser } from '@aws-sdk/client-iam'
import type { Group, Membership } from '@connectors/core'

/** A canonical group with the IAM fields the connector adds. */
export type AwsIamGroup = Group & { readonly arn: string; readonly path: string }

/** Maps one ListGroups entry. */
export function mapGroup(g: IamGroup, accountId: string): AwsIamGroup {
  return {
    accountId,
    id: g.GroupId ?? '',
    name: g.GroupName ?? '',
    arn: g.Arn ?? '',
    path: g.Path ?? '/',
    ...(g.CreateDate !== undefined ? { createdAt: g.CreateDate.toISOString() } : {}),
  }
}

/** Maps one member of a group (a GetGroup `Users` entry). */
export function mapMembership(group: Group, member: IamUser): Membership {
  return { accountId: group.accountId, groupId: group.id, groupName: group.name, userId: member.UserId ?? '', username: member.UserName ?? '' }
}
