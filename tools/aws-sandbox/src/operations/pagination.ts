/**
 * IAM pagination: `MaxItems` 1–1000 (default 100), an opaque `Marker`, `IsTruncated` true exactly when a
 * `Marker` is returned. With `shortPageSize` set, pages hold fewer items than asked while more remain, as
 * IAM may do.
 */
import { AwsErrors, type AwsError } from '../aws-error.js'

/** One page of a listing. */
export interface PageOf<A> {
  readonly items: ReadonlyArray<A>
  readonly IsTruncated: boolean
  readonly Marker?: string
}

/** An opaque marker for position `index` of `listing` (`nonce` makes otherwise equal markers differ). */
export function encodeMarker(listing: string, index: number, nonce?: number): string {
  return Buffer.from(JSON.stringify({ l: listing, i: index, ...(nonce !== undefined ? { n: nonce } : {}) })).toString('base64url')
}

function decodeMarker(marker: string, listing: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { l?: unknown; i?: unknown }
    return parsed.l === listing && typeof parsed.i === 'number' && Number.isInteger(parsed.i) && parsed.i > 0 ? parsed.i : undefined
  } catch {
    return undefined
  }
}

/** Cuts the page `params` asks for out of `items`; `listing` ties markers to the listing that issued them. */
export function pageOf<A>(items: ReadonlyArray<A>, params: URLSearchParams, listing: string, shortPageSize?: number): PageOf<A> | AwsError {
  const rawMax = params.get('MaxItems')
  const maxItems = rawMax === null ? 100 : Number(rawMax)
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) {
    const rule = Number.isInteger(maxItems) && maxItems > 1000 ? 'Member must have value less than or equal to 1000' : 'Member must have value greater than or equal to 1'
    return AwsErrors.validationError(`1 validation error detected: Value '${rawMax ?? ''}' at 'maxItems' failed to satisfy constraint: ${rule}`)
  }
  const marker = params.get('Marker')
  let start = 0
  if (marker !== null) {
    const decoded = decodeMarker(marker, listing)
    if (decoded === undefined || decoded > items.length) return AwsErrors.validationError('Invalid Marker.')
    start = decoded
  }
  const size = Math.max(1, Math.min(maxItems, shortPageSize ?? maxItems))
  const end = Math.min(items.length, start + size)
  const truncated = end < items.length
  return { items: items.slice(start, end), IsTruncated: truncated, ...(truncated ? { Marker: encodeMarker(listing, end) } : {}) }
}
