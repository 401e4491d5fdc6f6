import type { GroupEntity } from '../state.js'
import { pathListing } from './path-listing.js'

/** The fields IAM returns for a group. */
export function groupXml(g: GroupEntity) {
  return { Path: g.Path, GroupName: g.GroupName, GroupId: g.GroupId, Arn: g.Arn, CreateDate: g.CreateDate }
}

/** `iam:ListGroups` — PathPrefix, Marker, MaxItems. */
export const listGroups = pathListing({ action: 'ListGroups', element: 'Groups', arnKind: 'group', items: (a) => a.groups, toXml: groupXml })
