import type { Operation } from './operation.js'

/**
 * `iam:ListRoles` — outside the connector's manifest: it exists so tests can prove that the connector's
 * session policy denies anything beyond the three actions, even when the customer's role allows `iam:*`.
 */
export const listRoles: Operation = {
  service: 'iam',
  action: 'ListRoles',
  authorize: (ctx) => ({ action: 'iam:ListRoles', resource: `arn:${ctx.state.partition}:iam::${ctx.caller.account}:role/` }),
  handle: (ctx) => ({
    Roles: [...(ctx.state.accounts.get(ctx.caller.account)?.roles.values() ?? [])].map((r) => ({ RoleName: r.name, RoleId: r.id, Arn: r.arn, Path: '/', CreateDate: new Date(0) })),
    IsTruncated: false,
  }),
}
