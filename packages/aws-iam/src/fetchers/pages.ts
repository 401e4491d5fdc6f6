/**
 * SDK paginator output as a core stream, read one page ahead: errors translated once, the marker guarded (a
 * repeated or missing marker is an `Upstream` error, never a silent loop or a silent truncation), and an expired
 * session renewed once and the listing resumed from the last marker handed on.
 */
import { ConnectorError, guardPagination, readAhead, type Stream } from '@connectors/core'
import type { IAMClient } from '@aws-sdk/client-iam'
import * as E from 'fp-ts/Either'
import type { AwsIamSession } from '../auth.js'
import { isExpiredToken } from '../errors.js'

/** The page size the connector asks for: IAM's maximum. */
export const PAGE_SIZE = 1000

/**
 * A listing longer than this many pages is treated as endless. IAM's quotas (5,000 users, 500 groups per
 * account) need a handful of pages even at a few items a page.
 */
export const MAX_PAGES = 1_000

/** The pagination fields every IAM list output has. */
export interface IamPage {
  readonly IsTruncated?: boolean | undefined
  readonly Marker?: string | undefined
}

/** Streams the pages of one IAM listing. `paginate` builds the SDK paginator from a client and a starting marker. */
export function iamPages<P extends IamPage>(
  session: AwsIamSession,
  operation: string,
  paginate: (client: IAMClient, startingToken: string | undefined) => AsyncIterable<P>,
): Stream<P> {
  const scope = { connector: 'aws-iam', account: session.accountId, operation }
  async function* pages(): Stream<P> {
    let marker: string | undefined
    let renewedAt: string | undefined | null = null
    for (;;) {
      try {
        // The next page is requested as soon as this one is handed on, so IAM works while this one is mapped and written.
        for await (const page of readAhead(paginate(session.iam(), marker))) {
          if (page.IsTruncated === true && (page.Marker === undefined || page.Marker === '')) {
            yield E.right(page)
            yield E.left(ConnectorError.upstream({ ...scope, detail: 'IAM said the listing is truncated but returned no Marker; refusing to report a partial listing as whole' }))
            return
          }
          marker = page.Marker
          yield E.right(page)
        }
        return
      } catch (thrown) {
        // Renew once per position: a second expiry at the same marker is a real failure.
        if (isExpiredToken(thrown) && renewedAt !== marker) {
          renewedAt = marker
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
  return guardPagination(pages(), (p) => p.Marker, { scope, maxPages: MAX_PAGES })
}

/** How {@link checkedListing} tells entities apart and recognizes one IAM could have sent. */
export interface ListingCheck<T> {
  /** The entity's kind, for messages ("user", "group"). */
  readonly kind: string
  readonly id: (item: T) => string
  readonly name: (item: T) => string
  /** IAM's naming rule for the kind. */
  readonly validName: RegExp
}

/**
 * Ends a listing with an `Upstream` error at an entity IAM could not have sent (no id, a name beyond IAM's rules)
 * or one listed twice, which also stops an endless pagination that repeats its pages under new markers long
 * before the page cap.
 */
export async function* checkedListing<T>(session: AwsIamSession, operation: string, pages: Stream<ReadonlyArray<T>>, check: ListingCheck<T>): Stream<ReadonlyArray<T>> {
  const action = operation.replace(/^iam:/, '')
  const seen = new Set<string>()
  const refuse = (detail: string) => E.left(ConnectorError.upstream({ connector: 'aws-iam', account: session.accountId, operation, detail }))
  for await (const page of pages) {
    if (E.isRight(page)) {
      for (const item of page.right) {
        const id = check.id(item)
        const name = check.name(item)
        if (id === '' || !check.validName.test(name)) {
          yield refuse(`${action} returned a ${check.kind} IAM could not have (id ${JSON.stringify(id)}, name ${JSON.stringify(name.slice(0, 80))})`)
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
