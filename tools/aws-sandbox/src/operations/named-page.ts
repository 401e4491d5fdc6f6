import { AwsErrors, isAwsError, type AwsError } from '../aws-error.js'
import type { AccountState } from '../state.js'
import { mustNotBeNull } from './constraints.js'
import type { OperationContext } from './operation.js'
import { pageOf, type PageOf } from './pagination.js'

/**
 * An IAM call paging through the items of one entity named by a required parameter (GetGroup's members,
 * ListUserTags' tags): an unknown name is 404 `NoSuchEntity` "The <kind> with name X cannot be found."
 */
export function namedPage<E, A>(
  ctx: OperationContext,
  spec: {
    /** The parameter naming the entity, e.g. `GroupName`. */
    readonly param: string
    /** The entity's kind in IAM's messages, e.g. `group`. */
    readonly kind: string
    readonly find: (account: AccountState, name: string) => E | undefined
    readonly items: (entity: E) => ReadonlyArray<A>
    /** Ties the markers to this entity's listing. */
    readonly listing: (entity: E) => string
  },
): { readonly entity: E; readonly page: PageOf<A> } | AwsError {
  const name = ctx.params.get(spec.param)
  if (name === null || name === '') return AwsErrors.validationError(mustNotBeNull(`${spec.param.charAt(0).toLowerCase()}${spec.param.slice(1)}`))
  const account = ctx.state.accounts.get(ctx.caller.account)
  const entity = account === undefined ? undefined : spec.find(account, name)
  if (entity === undefined) return AwsErrors.noSuchEntity(`The ${spec.kind} with name ${name} cannot be found.`)
  const page = pageOf(spec.items(entity), ctx.params, spec.listing(entity), ctx.faults.shortPageSize)
  return isAwsError(page) ? page : { entity, page }
}

/** The request key of such a call: the name and the marker. */
export const nameAndMarker = (param: string) => (params: URLSearchParams) => `${params.get(param) ?? ''}|${params.get('Marker') ?? ''}`
