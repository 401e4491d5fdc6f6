/**
 * What a sync reports: one envelope per unit (a connector and one of its accounts, named in the run config),
 * and the run's report around them. Both are written to `report.json`; their shape is versioned.
 */
/** The version of the records' and the report's shape; bumped when a field changes meaning or goes away. */
export const SCHEMA_VERSION = 1

/** A `ConnectorError` as plain JSON (its fields and computed `message`), as `errorToJson` gives it. */
export type ErrorJson = Readonly<Record<string, unknown>>

/**
 * How a unit ended: `ok` complete and applied; `partial` some entity kinds could not be listed (nobody deleted);
 * `held` complete, but its deletions were held back by the drop guard; `failed` nothing usable (config, auth, a
 * crash); `interrupted` stopped by a signal before it finished (nothing of it applied).
 */
export type UnitStatus = 'ok' | 'partial' | 'held' | 'failed' | 'interrupted'

/** Record counts of a unit. */
export interface UnitCounts {
  readonly users: number
  readonly groups: number
  readonly memberships: number
  readonly deleted: number
  /** Users the platform users file left out for want of an email (listed in `unmatchedEmail`). */
  readonly unmatchedEmail: number
  /** Users the account's exclude patterns kept out of the platform users file. */
  readonly excluded: number
}

/** The drop guard's finding on a complete sync that lost more users than the threshold allows. */
export interface DropFinding {
  readonly previous: number
  readonly current: number
  readonly share: number
  readonly threshold: number
}

/** The result of one unit. */
export interface Envelope {
  /** The run config's name for the account: output files are named after it. */
  readonly unit: string
  readonly connector: string
  /** The upstream account (e.g. the AWS account id); null when the config did not decode. */
  readonly accountId: string | null
  readonly status: UnitStatus
  readonly counts: UnitCounts
  readonly errors: ReadonlyArray<ErrorJson>
  readonly startedAt: string
  readonly finishedAt: string
  readonly elapsedMs: number
  /** Time the runner spent writing this unit's outputs and state, in ms. */
  readonly processingMs: number
  readonly apiCalls: number
  readonly throttled: number
  readonly retries: number
  /** The unit's records file, or null when it has none (with the reason in `recordsFileReason`). */
  readonly recordsFile: string | null
  readonly recordsFileReason?: string
  /** The platform users file, or null when none was written (with the reason in `usersFileReason`). */
  readonly usersFile: string | null
  readonly usersFileReason?: string
  /** The usernames without an email (reported, never dropped silently). */
  readonly unmatchedEmail?: ReadonlyArray<string>
  /** What to do about them, from the connector. */
  readonly unmatchedEmailFix?: string
  readonly dropGuard?: DropFinding
}
