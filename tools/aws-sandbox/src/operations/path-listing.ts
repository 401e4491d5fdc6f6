import { isAwsError } from '../aws-error.js'
import type { AccountState } from '../state.js'
import type { XmlObject } from '../xml.js'
import type { Operation } from './operation.js'
import { encodeMarker, pageOf } from './pagination.js'

let nonce = 0

/**
 * An IAM `List*` operation over one kind of entity with `PathPrefix`, `Marker` and `MaxItems`
 * (ListUsers, ListGroups): only the entity, its ARN kind and its XML differ.
 */
export function pathListing<A extends { readonly Path: string }>(spec: {
  readonly action: string
  /** The element the items go in, e.g. `Users`. */
  readonly element: string
  /** The ARN resource kind, e.g. `user`. */
  readonly arnKind: string
  readonly items: (account: AccountState) => ReadonlyArray<A>
  readonly toXml: (item: A) => XmlObject
}): Operation {
  return {
    service: 'iam',
    action: spec.action,
    authorize: (ctx) => ({ action: `iam:${spec.action}`, resource: `arn:${ctx.state.partition}:iam::${ctx.caller.account}:${spec.arnKind}/` }),
    requestKey: (params) => `${params.get('PathPrefix') ?? ''}|${params.get('Marker') ?? ''}`,
    handle: (ctx) => {
      const prefix = ctx.params.get('PathPrefix') ?? '/'
      const account = ctx.state.accounts.get(ctx.caller.account)
      const all = account === undefined ? [] : spec.items(account)
      const selected = prefix === '/' ? all : all.filter((item) => item.Path.startsWith(prefix))
      const listing = `${spec.arnKind}:${ctx.caller.account}:${prefix}`
      const page = pageOf(selected, ctx.params, listing, ctx.faults.shortPageSize)
      if (isAwsError(page)) return page
      const items = page.items.map(spec.toXml)
      // Hostile pagination: never-ending fresh markers, or the same marker for ever.
      if (ctx.faults.hostile === 'endlessMarker') return { [spec.element]: items, IsTruncated: true, Marker: encodeMarker(listing, 1, ++nonce) }
      if (ctx.faults.hostile === 'repeatMarker') return { [spec.element]: items, IsTruncated: true, Marker: encodeMarker(listing, 1) }
      return { [spec.element]: items, IsTruncated: page.IsTruncated, Marker: page.Marker }
    },
  }
}
