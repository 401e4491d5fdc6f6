/**
 * SDK paginator output as a core stream, read one page ahead: errors translated once, the token guarded (a
 * repeated or missing token is an `Upstream` error, never a silent loop or a silent truncation), and an expired
 * session renewed once and the listing resumed from the last token handed on. Generic over the paginator and the
 * token field: IAM's Query protocol pages with `Marker` (and `IsTruncated`), the JSON protocols with `NextToken`.
 */
import { ConnectorError, guardPagination, readAhead, type Stream } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { isExpiredToken } from './errors.js'
import type { AwsSession } from './session.js'

/** How a service pages its listings. */
export interface Pagination<K extends string> {
  /** The service's name in messages, e.g. `IAM`. */
  readonly service: string
  /** The output field carrying the next page's token: `Marker` (Query protocol) or `NextToken` (JSON protocols). */
  readonly tokenField: K
  /** A listing longer than this many pages is treated as endless (size it from the service's quotas). */
  readonly maxPages: number
}

/** A page of any listing: its token field, and `IsTruncated` where the protocol has it. */
export type TokenPage<K extends string> = { readonly [F in K]?: string | undefined } & { readonly IsTruncated?: boolean | undefined }

/**
 * Streams the pages of one listing. `paginate` builds the SDK paginator from a starting token (reading the
 * session's client afresh, so a renewed session's client is used); `operation` (e.g. `iam:ListUsers`) scopes errors.
 */
export function sdkPages<K extends string, P extends TokenPage<K>>(
  session: Pick<AwsSession, 'connector' | 'accountId' | 'renew' | 'translate'>,
  operation: string,
  paginate: (startingToken: string | undefined) => AsyncIterable<P>,
  pagination: Pagination<K>,
): Stream<P> {
  const { service, tokenField } = pagination
  const scope = { connector: session.connector, account: session.accountId, operation }
  const tokenOf = (page: P): string | undefined => page[tokenField]
  async function* pages(): Stream<P> {
    let token: string | undefined
    let renewedAt: string | undefined | null = null
    for (;;) {
      try {
        // The next page is requested as soon as this one is handed on, so AWS works while this one is mapped and written.
        for await (const page of readAhead(paginate(token))) {
          if (page.IsTruncated === true && (tokenOf(page) === undefined || tokenOf(page) === '')) {
            yield E.right(page)
            yield E.left(ConnectorError.upstream({ ...scope, detail: `${service} said the listing is truncated but returned no ${tokenField}; refusing to report a partial listing as whole` }))
            return
          }
          token = tokenOf(page)
          yield E.right(page)
        }
        return
      } catch (thrown) {
        // Renew once per position: a second expiry at the same token is a real failure.
        if (isExpiredToken(thrown) && renewedAt !== token) {
          renewedAt = token
          const renewed = await session.renew()
          if (E.isLeft(renewed)) {
            yield renewed
            return
          }
          continue
        }
        yield E.left(session.translate(thrown, operation))
        return
      }
    }
  }
  return guardPagination(pages(), tokenOf, { scope, maxPages: pagination.maxPages })
}

/** How {@link checkedListing} tells entities apart and recognizes one the service could have sent. */
export interface ListingCheck<T> {
  /** The service's name in messages, e.g. `IAM`. */
  readonly service: string
  /** The entity's kind, for messages ("user", "group"). */
  readonly kind: string
  readonly id: (item: T) => string
  readonly name: (item: T) => string
  /** The service's naming rule for the kind. */
  readonly validName: RegExp
}

/**
 * Ends a listing with an `Upstream` error at an entity the service could not have sent (no id, a name beyond its
 * rules) or one listed twice, which also stops an endless pagination that repeats its pages under new tokens long
 * before the page cap.
 */
export async function* checkedListing<T>(
  session: Pick<AwsSession, 'connector' | 'accountId'>,
  operation: string,
  pages: Stream<ReadonlyArray<T>>,
  check: ListingCheck<T>,
): Stream<ReadonlyArray<T>> {
  const action = operation.replace(/^[\w-]+:/, '')
  const seen = new Set<string>()
  const refuse = (detail: string) => E.left(ConnectorError.upstream({ connector: session.connector, account: session.accountId, operation, detail }))
  for await (const page of pages) {
    if (E.isRight(page)) {
      for (const item of page.right) {
        const id = check.id(item)
        const name = check.name(item)
        if (id === '' || !check.validName.test(name)) {
          yield refuse(`${action} returned a ${check.kind} ${check.service} could not have (id ${JSON.stringify(id)}, name ${JSON.stringify(name.slice(0, 80))})`)
          return
        }
        if (seen.has(id)) {
          yield refuse(`${action} listed ${check.kind} ${name} (${id}) twice; the pagination is inconsistent`)
          return
        }
        seen.add(id)
      }
    }
    yield page
    if (E.isLeft(page)) return
  }
}
