/**
 * What Identity Store's three listings share: the IdentityStoreId (validated, then looked up among the caller's
 * account's stores), `identitystore:<Action>` asked on `arn:<partition>:identitystore::<account>:identitystore/<id>`,
 * and NextTokens tied to the listing that issued them.
 */
import { JsonErrors, type AwsError } from '../aws-error.js'
import { IDENTITY_STORE_ID, type IdentityStoreEntity } from '../identity-store.js'
import { jsonListing, type IdMember, type Listed } from './json-listing.js'
import type { JsonObject, JsonOperation, OperationContext } from './operation.js'

/** IdentityStoreId's constraints in Identity Store's model. */
export const IDENTITY_STORE_ID_MEMBER: IdMember = {
  name: 'IdentityStoreId',
  min: 1,
  max: 36,
  pattern: IDENTITY_STORE_ID,
  patternText: 'd-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
}

/** A user or group id (Identity Store's ResourceId): a UUID, optionally after ten hex digits and `-`. */
export const RESOURCE_ID_MEMBER = (name: string): IdMember => ({
  name,
  min: 1,
  max: 47,
  pattern: /^(?:[0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/,
  patternText: '([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}',
})

/** The store the (validated) IdentityStoreId names, if the caller's account holds it. */
function storeOf(ctx: OperationContext<JsonObject>): IdentityStoreEntity | AwsError {
  const id = ctx.params['IdentityStoreId'] as string
  const store = ctx.state.identityStores.get(id)
  if (store === undefined || store.account !== ctx.caller.account) return JsonErrors.resourceNotFound(`IdentityStore not present for IdentityStoreId: ${id}`, 'IDENTITY_STORE', id)
  return store
}

/** An Identity Store listing of `element`, with `ids` required besides IdentityStoreId. */
export function identityStoreListing(spec: {
  readonly action: string
  readonly element: string
  readonly ids?: ReadonlyArray<IdMember>
  readonly list: (store: IdentityStoreEntity, params: JsonObject) => Listed | AwsError
}): JsonOperation {
  return jsonListing({
    service: 'identitystore',
    action: spec.action,
    element: spec.element,
    ids: [IDENTITY_STORE_ID_MEMBER, ...(spec.ids ?? [])],
    nextToken: { pattern: /^[-a-zA-Z0-9+=/:_]*$/, text: '[-a-zA-Z0-9+=/:_]*' },
    authorize: (ctx) => ({
      action: `identitystore:${spec.action}`,
      resource: `arn:${ctx.state.partition}:identitystore::${ctx.caller.account}:identitystore/${String(ctx.params['IdentityStoreId'])}`,
    }),
    list: (ctx) => {
      const store = storeOf(ctx)
      return 'id' in store ? spec.list(store, ctx.params) : store
    },
  })
}
