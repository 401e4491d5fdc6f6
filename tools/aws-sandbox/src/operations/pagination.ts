/**
 * Pagination. IAM: `MaxItems` 1–1000 (default 100), an opaque `Marker`, `IsTruncated` true exactly when a
 * `Marker` is returned. Identity Store (JSON 1.1): `MaxResults` and `NextToken` (see `identity-store-listing.ts`).
 * With `shortPageSize` set, pages hold fewer items than asked while more remain, as both services may do.
 */
import { AwsErrors, type AwsError } from '../aws-error.js'
import { wholeNumberIn } from './constraints.js'

/** One page of a listing. */
export interface PageOf<A> {
  readonly items: ReadonlyArray<A>
  readonly IsTruncated: boolean
  readonly Marker?: string
}

/**
 * An opaque marker for position `index` of `listing` (`nonce` makes otherwise equal markers differ). `base64url`
 * for IAM's markers; `base64` for Identity Store's tokens, whose pattern (`[-a-zA-Z0-9+=/:]*` in older models)
 * has no `_`.
 */
export function encodeMarker(listing: string, index: number, nonce?: number, encoding: 'base64url' | 'base64' = 'base64url'): string {
  return Buffer.from(JSON.stringify({ l: listing, i: index, ...(nonce !== undefined ? { n: nonce } : {}) })).toString(encoding)
}

function decodeMarker(marker: string, listing: string): number | undefined {
  try {
    // Node's base64url decoder reads either alphabet.
    const parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { l?: unknown; i?: unknown }
    return parsed.l === listing && typeof parsed.i === 'number' && Number.isInteger(parsed.i) && parsed.i > 0 ? parsed.i : undefined
  } catch {
    return undefined
  }
}

/**
 * Cuts one page of at most `max` items (fewer under `shortPageSize`) out of `items`, from the position `marker`
 * (issued for `listing`) names; `undefined` when the marker is not one of this listing's.
 */
export function cutPage<A>(
  items: ReadonlyArray<A>,
  page: { readonly max: number; readonly marker: string | undefined; readonly listing: string; readonly shortPageSize?: number | undefined; readonly encoding?: 'base64url' | 'base64' },
): { readonly items: ReadonlyArray<A>; readonly next?: string } | undefined {
  let start = 0
  if (page.marker !== undefined) {
    const decoded = decodeMarker(page.marker, page.listing)
    if (decoded === undefined || decoded > items.length) return undefined
    start = decoded
  }
  const size = Math.max(1, Math.min(page.max, page.shortPageSize ?? page.max))
  const end = Math.min(items.length, start + size)
  return { items: items.slice(start, end), ...(end < items.length ? { next: encodeMarker(page.listing, end, undefined, page.encoding) } : {}) }
}

/** Cuts the page `params` asks for out of `items`; `listing` ties markers to the listing that issued them. */
export function pageOf<A>(items: ReadonlyArray<A>, params: URLSearchParams, listing: string, shortPageSize?: number): PageOf<A> | AwsError {
  const rawMax = params.get('MaxItems')
  const maxItems = rawMax === null ? 100 : Number(rawMax)
  const badMax = wholeNumberIn('maxItems', rawMax ?? '', maxItems, 1, 1000)
  if (badMax !== undefined) return AwsErrors.validationError(badMax)
  const page = cutPage(items, { max: maxItems, marker: params.get('Marker') ?? undefined, listing, shortPageSize })
  if (page === undefined) return AwsErrors.validationError('Invalid Marker.')
  return { items: page.items, IsTruncated: page.next !== undefined, ...(page.next !== undefined ? { Marker: page.next } : {}) }
}
