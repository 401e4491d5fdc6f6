import type { Operation } from './operation.js'

/** `sts:GetCallerIdentity` — allowed for every identity, as in AWS. */
export const getCallerIdentity: Operation = {
  service: 'sts',
  action: 'GetCallerIdentity',
  handle: (ctx) => ({
    Arn: ctx.caller.arn,
    UserId: ctx.caller.kind === 'session' ? `${ctx.caller.session.role.id}:${ctx.caller.session.sessionName}` : ctx.caller.arn.split('/').pop(),
    Account: ctx.caller.account,
  }),
}
