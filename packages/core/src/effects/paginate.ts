/**
 * Marker/token pagination, once: a page function becomes a stream of pages that stops on a missing token and
 * refuses a token it has seen before (an upstream that would page forever).
 * @module
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { ConnectorError, type ErrorScope } from '../errors.js'
import type { Stream } from './stream.js'

/** Options for {@link paginate} and {@link guardPagination}. */
export interface PaginationOptions {
  /** Where the pages come from, for the error a broken pagination reports. */
  readonly scope: ErrorScope
  /** A hard cap on pages, beyond which the upstream is considered endless. Default 100,000. */
  readonly maxPages?: number
}

const DEFAULT_MAX_PAGES = 100_000

/** Tracks tokens across pages and returns the error that ends the stream, if any. */
function tokenGuard(options: PaginationOptions) {
  const seen = new Set<string>()
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES
  let pages = 0
  return (token: string | undefined): ConnectorError | undefined => {
    pages++
    if (token === undefined) return undefined
    if (seen.has(token)) {
      return ConnectorError.upstream({
        ...options.scope,
        detail: `the upstream returned pagination token ${JSON.stringify(token.slice(0, 40))} a second time (after ${pages} pages); stopping rather than looping forever`,
      })
    }
    if (pages >= maxPages) {
      return ConnectorError.upstream({
        ...options.scope,
        detail: `pagination did not end after ${maxPages} pages; stopping`,
      })
    }
    seen.add(token)
    return undefined
  }
}

/**
 * Turns `fetchPage(token)` into a stream of pages. `nextToken(page)` returns the token of the following page, or
 * `undefined` on the last one.
 */
export async function* paginate<P>(
  fetchPage: (token: string | undefined) => TE.TaskEither<ConnectorError, P>,
  nextToken: (page: P) => string | undefined,
  options: PaginationOptions,
): Stream<P> {
  const guard = tokenGuard(options)
  let token: string | undefined = undefined
  for (;;) {
    const page = await fetchPage(token)()
    if (E.isLeft(page)) {
      yield page
      return
    }
    yield page
    token = nextToken(page.right)
    const broken = guard(token)
    if (broken !== undefined) {
      yield E.left(broken)
      return
    }
    if (token === undefined) return
  }
}

/**
 * Applies the same guard to pages produced elsewhere (an SDK paginator already adapted to a stream): a repeated
 * token or an endless sequence ends the stream with an `Upstream` error.
 */
export async function* guardPagination<P>(
  pages: Stream<P>,
  nextToken: (page: P) => string | undefined,
  options: PaginationOptions,
): Stream<P> {
  const guard = tokenGuard(options)
  for await (const page of pages) {
    yield page
    if (E.isLeft(page)) return
    const broken = guard(nextToken(page.right))
    if (broken !== undefined) {
      yield E.left(broken)
      return
    }
  }
}
