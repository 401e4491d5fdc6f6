import { jsonListing } from './json-listing.js'

/**
 * `sso:ListInstances` (SSO Admin, target `SWBExternalService`) — the caller's account's IAM Identity Center
 * instance, if it has an Identity Store: InstanceArn, IdentityStoreId, OwnerAccountId, Status. For discovery.
 */
export const ssoListInstances = jsonListing({
  service: 'sso',
  action: 'ListInstances',
  element: 'Instances',
  ids: [],
  nextToken: { pattern: /^[-a-zA-Z0-9+=/_]*$/, text: '^[-a-zA-Z0-9+=/_]*$' },
  // ListInstances has no resource type: AWS's denial names none.
  authorize: () => ({ action: 'sso:ListInstances' }),
  list: (ctx) => {
    const store = ctx.state.accounts.get(ctx.caller.account)?.identityStore
    const instances = store === undefined ? [] : [{ InstanceArn: store.instanceArn, IdentityStoreId: store.id, OwnerAccountId: store.account, Status: 'ACTIVE' }]
    return { items: instances, listing: `instances:${ctx.caller.account}` }
  },
})
