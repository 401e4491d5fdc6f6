import { AwsErrors, isAwsError } from '../aws-error.js'
import type { Operation } from './operation.js'
import { groupXml } from './list-groups.js'
import { userXml } from './list-users.js'
import { pageOf } from './pagination.js'

/** `iam:GetGroup` — the group and a page of its members. */
export const getGroup: Operation = {
  service: 'iam',
  action: 'GetGroup',
  authorize: (ctx) => ({ action: 'iam:GetGroup', resource: `arn:${ctx.state.partition}:iam::${ctx.caller.account}:group/${ctx.params.get('GroupName') ?? ''}` }),
  requestKey: (params) => `${params.get('GroupName') ?? ''}|${params.get('Marker') ?? ''}`,
  handle: (ctx) => {
    const name = ctx.params.get('GroupName')
    if (name === null || name === '') return AwsErrors.validationError("1 validation error detected: Value null at 'groupName' failed to satisfy constraint: Member must not be null")
    const group = ctx.state.accounts.get(ctx.caller.account)?.groupsByName.get(name)
    if (group === undefined) return AwsErrors.noSuchEntity(`The group with name ${name} cannot be found.`)
    const page = pageOf(group.members, ctx.params, `members:${ctx.caller.account}:${group.GroupId}`, ctx.faults.shortPageSize)
    if (isAwsError(page)) return page
    return { Group: groupXml(group), Users: page.items.map(userXml), IsTruncated: page.IsTruncated, Marker: page.Marker }
  },
}
