/**
 * Running a connector for one account: decode the config, authenticate, run the fetchers in dependency order,
 * stream every page out. One fetcher failing does not stop the others; the outcome says whether the sync was
 * complete (only a complete sync may ever mark anyone deleted).
 * @module
 */
import * as E from 'fp-ts/Either'
import type * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import type * as t from 'io-ts'
import type { AnyConnector, CheckReport, CheckStep, FetchInputs, RunContext } from './connector.js'
import { fetchOrder } from './connector.js'
import { decodeWith } from './decode.js'
import type { ConnectorError } from './errors.js'
import type { EntityKind, RecordOf } from './records.js'

/** One page of records of one entity kind. */
export type Batch = { readonly [K in EntityKind]: { readonly entity: K; readonly records: ReadonlyArray<RecordOf[K]> } }[EntityKind]

/** How a sync of one account ended. */
export interface SyncOutcome {
  /** The account, from the config (`-` when the config did not decode). */
  readonly account: string
  /** True when every fetcher ran to its end without error: the listing is the whole truth. */
  readonly complete: boolean
  /** Entity kinds that ran to their end. */
  readonly completedEntities: ReadonlyArray<EntityKind>
  readonly errors: ReadonlyArray<ConnectorError>
}

/**
 * Syncs one account: yields batches as they arrive and returns the {@link SyncOutcome}. Never throws for
 * upstream or config problems: they are in `outcome.errors`.
 */
export async function* syncAccount(connector: AnyConnector, rawConfig: unknown, ctx: RunContext): AsyncGenerator<Batch, SyncOutcome> {
  const decoded = decodeWith(connector.config, { connector: connector.id, account: '-', operation: 'config' })(rawConfig)
  if (E.isLeft(decoded)) return { account: '-', complete: false, completedEntities: [], errors: [decoded.left] }
  const config: unknown = decoded.right
  const account = connector.accountOf(config)
  const session = await connector.auth(config, ctx)()
  if (E.isLeft(session)) return { account, complete: false, completedEntities: [], errors: [session.left] }

  const order = fetchOrder(connector.fetchers) ?? []
  const needed = new Set(order.flatMap((k) => connector.fetchers[k]?.needs ?? []))
  const inputs: { [K in EntityKind]?: Array<RecordOf[K]> } = {}
  const errors: ConnectorError[] = []
  const completedEntities: EntityKind[] = []
  for (const entity of order) {
    const fetcher = connector.fetchers[entity]
    if (fetcher === undefined) continue
    const kept: Array<RecordOf[EntityKind]> | undefined = needed.has(entity) ? [] : undefined
    let failed = false
    for await (const page of fetcher.fetch(session.right, inputs as FetchInputs, ctx)) {
      if (E.isLeft(page)) {
        errors.push(page.left)
        failed = true
        break
      }
      kept?.push(...page.right)
      ctx.emit({ type: 'page', entity, records: page.right.length })
      yield { entity, records: page.right } as Batch
    }
    if (!failed) completedEntities.push(entity)
    if (kept !== undefined && !failed) (inputs as Record<string, unknown>)[entity] = kept
  }
  return { account, complete: errors.length === 0, completedEntities, errors }
}

/**
 * A connector's `check` that begins with the config step: a config that does not decode fails there (naming each
 * bad path) and nothing else runs; otherwise `stepsFor` gives the account and the steps after it.
 */
export function checkAfterConfig<C>(
  codec: t.Type<C, unknown, unknown>,
  connector: string,
  stepsFor: (config: C) => { readonly account: string; readonly steps: ReadonlyArray<CheckStepSpec> },
): (raw: unknown) => T.Task<CheckReport> {
  return (raw) => {
    const decoded = decodeWith(codec, { connector, account: '-', operation: 'config' })(raw)
    if (E.isLeft(decoded)) return runCheckSteps('-', [{ step: 'config', run: TE.left(decoded.left) }])
    const { account, steps } = stepsFor(decoded.right)
    return runCheckSteps(account, [{ step: 'config', run: TE.right(undefined) }, ...steps])
  }
}

/** One step for {@link runCheckSteps}. */
export interface CheckStepSpec {
  readonly step: string
  readonly run: TE.TaskEither<ConnectorError, unknown>
}

/**
 * Runs check steps in order and stops at the first failure; later steps are reported `skipped`.
 */
export function runCheckSteps(account: string, steps: ReadonlyArray<CheckStepSpec>): T.Task<CheckReport> {
  return async () => {
    const results: CheckStep[] = []
    let failed = false
    for (const { step, run } of steps) {
      if (failed) {
        results.push({ step, status: 'skipped' })
        continue
      }
      const result = await run()
      if (E.isLeft(result)) {
        failed = true
        results.push({ step, status: 'failed', error: result.left })
      } else results.push({ step, status: 'ok' })
    }
    return { ok: !failed, account, steps: results }
  }
}
