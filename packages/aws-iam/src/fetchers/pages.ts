/** How IAM pages: `Marker` and `IsTruncated`, 1000 items at most a page. */
import type { Pagination } from '@connectors/aws'

/** The page size the connector asks for: IAM's maximum. */
export const PAGE_SIZE = 1000

/**
 * IAM's pagination. A listing longer than 1,000 pages is treated as endless: IAM's quotas (5,000 users, 500 groups
 * per account) need a handful of pages even at a few items a page.
 */
export const IAM: Pagination<'Marker'> = { service: 'IAM', tokenField: 'Marker', maxPages: 1_000 }
