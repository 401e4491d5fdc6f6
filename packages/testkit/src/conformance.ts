/**
 * The conformance suite: what every connector must do, checked against a harness that serves known data.
 * @module
 */
import * as E from 'fp-ts/Either'
import {
  checkConnector,
  connectorProblems,
  defaultRunContext,
  errorMessage,
  Manifest,
  recordCodecs,
  syncAccount,
  type AnyConnector,
  type Batch,
  type EntityKind,
  type ErrorReason,
  type RunContext,
  type SyncOutcome,
} from '@connectors/core'
import type { Decoder } from 'io-ts'
import { describe, expect, it } from 'vitest'

/** A running upstream serving the harness's data. */
export interface HarnessUpstream {
  /** A valid connector config that points at this upstream. */
  readonly config: unknown
  /** How many records of each entity kind the data holds: the truth a sync must reproduce. */
  readonly expected: { readonly [K in EntityKind]?: number }
  /** How many list pages the upstream has served so far (to prove pagination went past the first page). */
  readonly pagesServed: () => number
  /**
   * The fewest list pages a complete sync of the data can take at the page size the upstream serves, computed from
   * the harness's own fixture: a sync that reads fewer stopped early somewhere.
   */
  readonly minimumPages: number
  /** Context overrides for this upstream (env with credentials, …). */
  readonly context?: Partial<RunContext>
  readonly stop: () => Promise<void>
}

/** A failure the harness can stage, and how the connector must classify it. */
export interface HarnessFault {
  readonly name: string
  readonly start: () => Promise<HarnessUpstream>
  /** The reason the sync must report. */
  readonly reason: ErrorReason
  /** The check step that must fail first (e.g. `sts:AssumeRole`, `iam:GetGroup`). */
  readonly failingStep: string
}

/** What the suite needs to exercise a connector. */
export interface ConformanceHarness {
  /**
   * Starts an upstream whose data has records of every kind the manifest declares, served in short pages
   * (fewer items than asked while more remain).
   */
  readonly start: () => Promise<HarnessUpstream>
  /** A config the connector must reject, and the path its error must name. */
  readonly invalidConfig: { readonly config: unknown; readonly path: string }
  /** Failures to stage (at least one). */
  readonly faults: ReadonlyArray<HarnessFault>
}

/** One named conformance check; it throws (an assertion error) when the connector does not conform. */
export interface ConformanceCheck {
  readonly name: string
  readonly run: () => Promise<void>
}

/** Everything one account's sync produced. */
export interface SyncResult {
  readonly batches: ReadonlyArray<Batch>
  readonly outcome: SyncOutcome
}

/**
 * Runs one account's sync to the end and keeps every batch in memory: for tests and small data, where the
 * whole output is what is being checked.
 */
export async function syncToEnd(connector: AnyConnector, config: unknown, ctx: RunContext): Promise<SyncResult> {
  const batches: Batch[] = []
  const generator = syncAccount(connector, config, ctx)
  for (;;) {
    const next = await generator.next()
    if (next.done === true) return { batches, outcome: next.value }
    batches.push(next.value)
  }
}

const runSync = (connector: AnyConnector, upstream: HarnessUpstream, config: unknown = upstream.config) =>
  syncToEnd(connector, config, defaultRunContext(upstream.context))

async function withUpstream<A>(start: () => Promise<HarnessUpstream>, f: (u: HarnessUpstream) => Promise<A>): Promise<A> {
  const upstream = await start()
  try {
    return await f(upstream)
  } finally {
    await upstream.stop()
  }
}

function countsOf(batches: ReadonlyArray<Batch>): Partial<Record<EntityKind, number>> {
  const counts: Partial<Record<EntityKind, number>> = {}
  for (const b of batches) counts[b.entity] = (counts[b.entity] ?? 0) + b.records.length
  return counts
}

/** The checks, as plain functions (so a test can show that a broken connector fails them). */
export function conformanceChecks(connector: AnyConnector, harness: ConformanceHarness): ReadonlyArray<ConformanceCheck> {
  return [
    {
      name: 'is a valid connector definition with a decodable manifest',
      run: async () => {
        expect(connectorProblems(connector)).toEqual([])
        expect(E.isRight(Manifest.decode(connector.manifest))).toBe(true)
      },
    },
    {
      name: 'produces every declared entity kind, exactly the harness data, and nothing undeclared',
      run: () =>
        withUpstream(harness.start, async (upstream) => {
          const { batches, outcome } = await runSync(connector, upstream)
          expect(outcome.errors.map(errorMessage)).toEqual([])
          expect(outcome.complete).toBe(true)
          const counts = countsOf(batches)
          expect(Object.keys(counts).sort()).toEqual([...connector.manifest.entities].sort())
          for (const entity of connector.manifest.entities) expect({ entity, count: counts[entity] }).toEqual({ entity, count: upstream.expected[entity] })
          for (const batch of batches) {
            const codec: Decoder<unknown, unknown> = recordCodecs[batch.entity]
            for (const record of batch.records as ReadonlyArray<unknown>) {
              const fits = E.isRight(codec.decode(record))
              expect(fits, `a ${batch.entity} record does not fit the canonical model: ${JSON.stringify(record)}`).toBe(true)
            }
          }
        }),
    },
    {
      name: 'exhausts pagination across short pages',
      run: () =>
        withUpstream(harness.start, async (upstream) => {
          const { batches, outcome } = await runSync(connector, upstream)
          expect(outcome.complete).toBe(true)
          // The fixture must make at least one listing span several pages, or this check proves nothing.
          expect(upstream.minimumPages, 'the harness fixture fits every listing in one page').toBeGreaterThan(connector.manifest.entities.length)
          expect(upstream.pagesServed()).toBeGreaterThanOrEqual(upstream.minimumPages)
          expect(countsOf(batches)).toEqual(upstream.expected)
        }),
    },
    {
      name: 'gives identical output for two syncs of the same data',
      run: () =>
        withUpstream(harness.start, async (upstream) => {
          const first = await runSync(connector, upstream)
          const second = await runSync(connector, upstream)
          const records = (r: SyncResult) => r.batches.flatMap((b): ReadonlyArray<unknown> => b.records)
          expect(records(second)).toEqual(records(first))
        }),
    },
    {
      name: 'rejects a bad config with InvalidConfig naming the path, in sync and in check',
      run: () =>
        withUpstream(harness.start, async (upstream) => {
          const { outcome } = await runSync(connector, upstream, harness.invalidConfig.config)
          const [error] = outcome.errors
          expect(error?.reason).toBe('InvalidConfig')
          const issues = error?.reason === 'InvalidConfig' ? error.issues : []
          expect(issues.some((line) => line.startsWith(`${harness.invalidConfig.path}:`)), issues.join('\n')).toBe(true)
          const report = await checkConnector(connector, harness.invalidConfig.config, defaultRunContext(upstream.context))()
          expect(report.ok).toBe(false)
          expect(report.steps[0]).toMatchObject({ step: 'config', status: 'failed' })
        }),
    },
    {
      name: 'passes check against a healthy upstream, step by step',
      run: () =>
        withUpstream(harness.start, async (upstream) => {
          const report = await checkConnector(connector, upstream.config, defaultRunContext(upstream.context))()
          expect(report.steps.filter((s) => s.status !== 'ok')).toEqual([])
          expect(report.ok).toBe(true)
          expect(report.steps.length).toBeGreaterThan(1)
        }),
    },
    ...harness.faults.map(
      (fault): ConformanceCheck => ({
        name: `classifies "${fault.name}" as ${fault.reason}, and check names ${fault.failingStep} first`,
        run: () =>
          withUpstream(fault.start, async (upstream) => {
            const { outcome } = await runSync(connector, upstream)
            expect(outcome.complete).toBe(false)
            expect(outcome.errors.map((e) => e.reason)).toContain(fault.reason)
            const report = await checkConnector(connector, upstream.config, defaultRunContext(upstream.context))()
            expect(report.ok).toBe(false)
            const firstFailed = report.steps.find((s) => s.status === 'failed')
            expect({ step: firstFailed?.step, reason: firstFailed?.error?.reason }).toEqual({ step: fault.failingStep, reason: fault.reason })
            const after = report.steps.slice(report.steps.indexOf(firstFailed as never) + 1)
            expect(after.every((s) => s.status === 'skipped')).toBe(true)
          }),
      }),
    ),
  ]
}

/**
 * Registers the conformance suite for `connector` as a vitest `describe` block. Call it from the connector's
 * `*.spec.ts` with a harness over its fake or sandboxed upstream.
 */
export function describeConnectorConformance(connector: AnyConnector, harness: ConformanceHarness): void {
  describe(`${connector.id} conforms to the connector contract`, () => {
    if (harness.faults.length === 0) it('stages at least one fault', () => expect(harness.faults.length).toBeGreaterThan(0))
    for (const check of conformanceChecks(connector, harness)) it(check.name, check.run)
  })
}
