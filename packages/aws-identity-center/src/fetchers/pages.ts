/** How Identity Store pages: `NextToken`, 100 items at most a page (`MaxResults`). */
import type { Pagination } from '@connectors/aws'

/** The page size the connector asks for: the service's maximum. */
export const PAGE_SIZE = 100

/** JSON-protocol pagination by `NextToken`, sized from Identity Store's quotas (a listing past 1M items is endless). */
export const NEXT_TOKEN: Pagination<'NextToken'> = { service: 'Identity Store', tokenField: 'NextToken', maxPages: 10_000 }
