import { isAwsError } from '../aws-error.js'
import type { Operation } from './operation.js'
import { groupXml } from './list-groups.js'
import { userXml } from './list-users.js'
import { nameAndMarker, namedPage } from './named-page.js'

/** `iam:GetGroup` — the group and a page of its members. */
export const getGroup: Operation = {
  service: 'iam',
  action: 'GetGroup',
  authorize: (ctx) => ({ action: 'iam:GetGroup', resource: `arn:${ctx.state.partition}:iam::${ctx.caller.account}:group/${ctx.params.get('GroupName') ?? ''}` }),
  requestKey: nameAndMarker('GroupName'),
  handle: (ctx) => {
    const found = namedPage(ctx, { param: 'GroupName', kind: 'group', find: (a, name) => a.groupsByName.get(name), items: (g) => g.members, listing: (g) => `members:${ctx.caller.account}:${g.GroupId}` })
    if (isAwsError(found)) return found
    const { entity: group, page } = found
    return { Group: groupXml(group), Users: page.items.map(userXml), IsTruncated: page.IsTruncated, Marker: page.Marker }
  },
}
