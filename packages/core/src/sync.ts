/**
 * Running a connector for one account. The pipeline reads in one place: decode the config, authenticate, plan the
 * fetchers from their declared dependencies, then stream each fetcher's pages, every record validated against the
 * canonical model on its way out. One fetcher failing does not stop the others; the outcome says whether the sync
 * was complete (only a complete sync may ever mark anyone deleted). The session is released on every way out.
 * @module
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { AnyConnector, FetchInputs, RunContext } from './connector.js'
import { fetchOrder, releaseSession } from './connector.js'
import { decodeWith, formatValidationErrors } from './decode.js'
import { ConnectorError } from './errors.js'
import { recordCodecs, type EntityKind, type RecordOf } from './records.js'

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

/** What the steps before the first page establish. */
interface Prepared {
  readonly config: unknown
  readonly account: string
  readonly session: unknown
  readonly order: ReadonlyArray<EntityKind>
}

/** Decodes the config with the connector's codec; failures name each bad path. */
export const decodeConfig = (connector: AnyConnector) => (raw: unknown) => decodeWith(connector.config, { connector: connector.id, account: '-', operation: 'config' })(raw)

/** Decode → plan → authenticate: everything a sync needs before its first call for data. */
function prepare(connector: AnyConnector, raw: unknown, ctx: RunContext): TE.TaskEither<{ readonly account: string; readonly error: ConnectorError }, Prepared> {
  return pipe(
    TE.fromEither(decodeConfig(connector)(raw)),
    TE.mapLeft((error) => ({ account: '-', error })),
    TE.bindTo('config'),
    TE.bind('account', ({ config }) => TE.right(connector.accountOf(config))),
    // Planned before authenticating, so a session is never opened for a plan that cannot run.
    TE.bind('order', ({ account }): TE.TaskEither<{ readonly account: string; readonly error: ConnectorError }, ReadonlyArray<EntityKind>> => {
      const order = fetchOrder(connector.fetchers)
      return order !== undefined ? TE.right(order) : TE.left({ account, error: ConnectorError.internal({ connector: connector.id, account, operation: 'plan', detail: 'the fetchers depend on each other in a cycle' }) })
    }),
    TE.bind('session', ({ config, account }) => pipe(connector.auth(config, ctx), TE.mapLeft((error) => ({ account, error })))),
  )
}

/**
 * Syncs one account: yields batches as they arrive and returns the {@link SyncOutcome}. Never throws for
 * upstream or config problems: they are in `outcome.errors`.
 */
export async function* syncAccount(connector: AnyConnector, rawConfig: unknown, ctx: RunContext): AsyncGenerator<Batch, SyncOutcome> {
  const prepared = await prepare(connector, rawConfig, ctx)()
  if (E.isLeft(prepared)) return { account: prepared.left.account, complete: false, completedEntities: [], errors: [prepared.left.error] }
  try {
    return yield* fetchAll(connector, prepared.right, ctx)
  } finally {
    await releaseSession(prepared.right.session)
  }
}

/**
 * Runs the fetchers in order. A fetcher whose required input failed is skipped (its kind not completed); one whose
 * optional input failed runs without it. Records a later fetcher reads are kept for it.
 */
async function* fetchAll(connector: AnyConnector, { config, account, session, order }: Prepared, ctx: RunContext): AsyncGenerator<Batch, SyncOutcome> {
  const kept = new Set(order.flatMap((k) => [...(connector.fetchers[k]?.needs ?? []), ...(connector.fetchers[k]?.uses ?? [])]))
  const inputs: { [K in EntityKind]?: Array<RecordOf[K]> } = {}
  const errors: ConnectorError[] = []
  const completed: EntityKind[] = []
  for (const entity of order) {
    const fetcher = connector.fetchers[entity]
    if (fetcher === undefined || (fetcher.needs ?? []).some((need) => !completed.includes(need))) continue
    const records: Array<RecordOf[EntityKind]> | undefined = kept.has(entity) ? [] : undefined
    const failure = yield* fetchOne(entity, fetcher.fetch(session, inputs as FetchInputs, ctx, config), records, { connector: connector.id, account }, ctx)
    if (failure !== undefined) {
      errors.push(failure)
      continue
    }
    completed.push(entity)
    if (records !== undefined) (inputs as Record<string, unknown>)[entity] = records
  }
  return { account, complete: errors.length === 0 && completed.length === order.length, completedEntities: completed, errors }
}

/** Streams one fetcher's pages, each validated; returns the error that ended it, if one did. */
async function* fetchOne(entity: EntityKind, pages: AsyncIterable<E.Either<ConnectorError, ReadonlyArray<RecordOf[EntityKind]>>>, keep: Array<RecordOf[EntityKind]> | undefined, scope: { connector: string; account: string }, ctx: RunContext): AsyncGenerator<Batch, ConnectorError | undefined> {
  for await (const page of pages) {
    if (E.isLeft(page)) return page.left
    const invalid = invalidRecord(entity, page.right, scope)
    if (invalid !== undefined) return invalid
    keep?.push(...page.right)
    ctx.emit({ type: 'page', entity, records: page.right.length })
    yield { entity, records: page.right } as Batch
  }
  return undefined
}

/**
 * The first record of a page that does not fit the canonical model, as an `Upstream` error naming the record and
 * the field (the upstream sent something the connector could not map faithfully); `undefined` when all fit.
 */
function invalidRecord(entity: EntityKind, records: ReadonlyArray<unknown>, scope: { connector: string; account: string }): ConnectorError | undefined {
  const codec = recordCodecs[entity]
  for (const record of records) {
    if (codec.is(record)) continue
    const decoded = codec.decode(record)
    const issues = E.isLeft(decoded) ? formatValidationErrors(decoded.left) : ['does not fit']
    const id = (record as { id?: unknown } | null)?.id
    return ConnectorError.upstream({
      ...scope,
      operation: `${entity} (mapping)`,
      detail: `${entity.replace(/s$/, '')} ${typeof id === 'string' ? JSON.stringify(id) : '(no id)'} does not fit the canonical model: ${issues.join('; ')}`,
      fix: `the ${entity} listing stops here and nobody is deleted; if the upstream's data is valid, report this to the ${scope.connector} connector's maintainers`,
    })
  }
  return undefined
}
