import { isAwsError } from '../aws-error.js'
import type { Operation } from './operation.js'
import { nameAndMarker, namedPage } from './named-page.js'

/** `iam:ListUserTags` — a page of one user's tags (UserName, Marker, MaxItems), asked on the user's ARN. */
export const listUserTags: Operation = {
  service: 'iam',
  action: 'ListUserTags',
  authorize: (ctx) => {
    const name = ctx.params.get('UserName') ?? ''
    const user = ctx.state.accounts.get(ctx.caller.account)?.usersByName.get(name)
    return { action: 'iam:ListUserTags', resource: user?.Arn ?? `arn:${ctx.state.partition}:iam::${ctx.caller.account}:user/${name}` }
  },
  requestKey: nameAndMarker('UserName'),
  handle: (ctx) => {
    const found = namedPage(ctx, { param: 'UserName', kind: 'user', find: (a, name) => a.usersByName.get(name), items: (u) => u.Tags, listing: (u) => `tags:${ctx.caller.account}:${u.UserId}` })
    if (isAwsError(found)) return found
    return { Tags: found.page.items, IsTruncated: found.page.IsTruncated, Marker: found.page.Marker }
  },
}
