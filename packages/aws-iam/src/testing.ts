/** Test helpers: the connector wired to a running sandbox. Used by this package's specs. */
import { defaultRunContext, type Batch, type RunContext, type SyncEvent } from '@connectors/core'
import { syncToEnd } from '@connectors/testkit'
import type { AwsIamDeps } from './auth.js'
import { createAwsIamConnector } from './index.js'

/** The sandbox's delegator keys (fake, sandbox-only). */
export interface SandboxKeys {
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

/** A config for `roleArn` in a sandbox at `endpoint`. */
export function sandboxConfig(endpoint: string, roleArn: string, externalId: string, extra: Record<string, unknown> = {}) {
  return { roleArn, externalId, endpoints: { sts: endpoint, iam: endpoint }, ...extra }
}

/** A connector whose base credentials are the sandbox's keys; fast retries for tests. */
export function sandboxConnector(keys: SandboxKeys, deps: AwsIamDeps = {}) {
  return createAwsIamConnector({
    baseCredentials: async () => keys,
    retryPolicy: { maxAttempts: 10, maxThrottledAttempts: 30, baseDelayMs: 5, maxDelayMs: 100 },
    requestTimeoutMs: 2_000,
    ...deps,
  })
}

/** Runs one account's sync to the end, keeping every batch and event. */
export async function runSync(connector: ReturnType<typeof createAwsIamConnector>, config: unknown, ctx: Partial<RunContext> = {}) {
  const events: SyncEvent[] = []
  const { batches, outcome } = await syncToEnd(connector, config, defaultRunContext({ ...ctx, emit: (e) => events.push(e) }))
  const records = <K extends Batch['entity']>(entity: K) => batches.filter((b) => b.entity === entity).flatMap((b) => b.records as ReadonlyArray<unknown>)
  return { outcome, events, batches, records, apiCalls: events.filter((e) => e.type === 'apiCall').length }
}
