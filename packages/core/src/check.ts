/**
 * The connection check, derived from the manifest: the config, authentication, then one probe per permission the
 * config needs (required ones, and optional ones whose feature it enables), in declaration order. It stops at the
 * first failure and reports the later steps skipped, so a customer sees exactly which step to fix.
 * @module
 */
import * as E from 'fp-ts/Either'
import type * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import type { AnyConnector, CheckReport, CheckStep, Probe, RunContext } from './connector.js'
import { releaseSession } from './connector.js'
import type { ConnectorError } from './errors.js'
import { permissionsFor } from './manifest.js'
import { decodeConfig } from './sync.js'

/** One step for {@link runCheckSteps}. */
export interface CheckStepSpec {
  readonly step: string
  readonly run: TE.TaskEither<ConnectorError, unknown>
}

/** Runs check steps in order and stops at the first failure; later steps are reported `skipped`. */
export function runCheckSteps(account: string, steps: ReadonlyArray<CheckStepSpec>): T.Task<CheckReport> {
  return async () => {
    const results: CheckStep[] = []
    for (const { step, run } of steps) {
      if (results.some((r) => r.status === 'failed')) {
        results.push({ step, status: 'skipped' })
        continue
      }
      const result = await run()
      results.push(E.isLeft(result) ? { step, status: 'failed', error: result.left } : { step, status: 'ok' })
    }
    return { ok: results.every((r) => r.status === 'ok'), account, steps: results }
  }
}

/** The probe of `permission`, from the fetcher whose manifest entry declares it. */
function probeOf(connector: AnyConnector, permission: string): Probe<unknown> | undefined {
  for (const entry of connector.manifest.fetchers) {
    const probe = connector.fetchers[entry.entity]?.probes?.[permission]
    if (probe !== undefined) return probe as Probe<unknown>
  }
  return undefined
}

/** The step names of a check before the probes: the config, then the connector's authentication. */
export const authStepOf = (connector: AnyConnector) => connector.manifest.authOperation ?? 'auth'

const skipped = (step: string): CheckStep => ({ step, status: 'skipped' })

/**
 * The connector's connection check: its own `check` if it has one, else the one derived from its manifest and
 * probes. The session it opens is released before it returns.
 */
export function checkConnector(connector: AnyConnector, raw: unknown, ctx: RunContext): T.Task<CheckReport> {
  if (connector.check !== undefined) return connector.check(raw, ctx)
  const authStep = authStepOf(connector)
  return async () => {
    const decoded = decodeConfig(connector)(raw)
    if (E.isLeft(decoded)) return { ok: false, account: '-', steps: [{ step: 'config', status: 'failed', error: decoded.left }, skipped(authStep), ...permissionsFor(connector.manifest).map(skipped)] }
    const config: unknown = decoded.right
    const account = connector.accountOf(config)
    const permissions = permissionsFor(connector.manifest, connector.featuresOf?.(config) ?? [])
    const session = await connector.auth(config, ctx)()
    if (E.isLeft(session)) return { ok: false, account, steps: [{ step: 'config', status: 'ok' }, { step: authStep, status: 'failed', error: session.left }, ...permissions.map(skipped)] }
    try {
      const probed = await runCheckSteps(account, permissions.map((permission) => ({ step: permission, run: probeOf(connector, permission)?.(session.right, ctx) ?? TE.right(undefined) })))()
      return { ...probed, steps: [{ step: 'config', status: 'ok' }, { step: authStep, status: 'ok' }, ...probed.steps] }
    } finally {
      await releaseSession(session.right)
    }
  }
}
