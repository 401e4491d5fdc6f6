/**
 * What every SDK client of a session is built with: the endpoint override (the config's, else the standard
 * `AWS_ENDPOINT_URL_*` variables, https only off this machine) and the middleware around every attempt.
 */
import type { AdaptiveRateLimiter, RunContext } from '@connectors/core'
import type { Pluggable } from '@smithy/types'
import { ENDPOINT_URL } from './codecs.js'
import { tagAttempt } from './retry-strategy.js'
import type { AssumeRoleConfig } from './session.js'

/**
 * Runs around every attempt (first tries and retries alike, inside the SDK's retry loop and around the response's
 * deserialization): waits for the account's paced slot, counts the call, reports successes to the pacer, and tags
 * a failure with its operation (so its translation and events name it) and its slot's time (so the pacer knows
 * which pace it met).
 */
export function attemptMiddleware<I extends object, O extends object>(ctx: RunContext, service: string, rate?: AdaptiveRateLimiter): Pluggable<I, O> {
  return {
    applyToStack: (stack) =>
      stack.add(
        (next, context) => async (args) => {
          const operation = `${service}:${((context as { commandName?: string }).commandName ?? 'Unknown').replace(/Command$/, '')}`
          const sentAt = await rate?.acquire()
          ctx.emit({ type: 'apiCall', operation })
          try {
            const result = await next(args)
            rate?.succeeded()
            return result
          } catch (thrown) {
            tagAttempt(thrown, operation, sentAt)
            throw thrown
          }
        },
        { step: 'finalizeRequest', priority: 'low', name: 'connectorsAttempt', override: true },
      ),
  }
}

/** The `AWS_ENDPOINT_URL*` variables that would send requests (and the ExternalId, and credentials) in clear text. */
export function unsafeEndpointVariables(env: RunContext['env']): string[] {
  return Object.entries(env)
    .filter(([name, url]) => name.startsWith('AWS_ENDPOINT_URL') && url !== undefined && url !== '' && !ENDPOINT_URL.test(url))
    .map(([name]) => `${name}: expected an https endpoint URL (plain http only to this machine)`)
}

/** The endpoint override for a service: the config's, else the standard AWS_ENDPOINT_URL_* variables. */
export function endpointOf(config: AssumeRoleConfig, env: RunContext['env'], service: string): { endpoint?: string } {
  const url = config.endpoints?.[service] ?? env[`AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] ?? env['AWS_ENDPOINT_URL']
  return url !== undefined && url !== '' ? { endpoint: url } : {}
}

