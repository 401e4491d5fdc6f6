/**
 * What every SDK client of a session is built with: the endpoint override (the config's, else the standard
 * `AWS_ENDPOINT_URL_*` variables, https only off this machine), the settings every client of the process shares,
 * and the middleware around every attempt.
 */
import { NODE_APP_ID_CONFIG_OPTIONS } from '@aws-sdk/core/client'
import { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } from '@aws-sdk/core/httpAuthSchemes'
import type { AdaptiveRateLimiter, RunContext } from '@connectors/core'
import { loadConfig, NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS } from '@smithy/core/config'
import { DEFAULT_RETRY_MODE, NODE_MAX_ATTEMPT_CONFIG_OPTIONS, NODE_RETRY_MODE_CONFIG_OPTIONS } from '@smithy/core/retry'
import type { Pluggable, Provider } from '@smithy/types'
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

/** The settings every SDK client of this process shares ({@link sharedSettings}). */
export interface SharedSettings {
  readonly useDualstackEndpoint: Provider<boolean>
  readonly useFipsEndpoint: Provider<boolean>
  readonly userAgentAppId: Provider<string | undefined>
  readonly authSchemePreference: Provider<string[]>
  readonly maxAttempts: Provider<number>
  readonly retryMode: Provider<string>
}

let shared: SharedSettings | undefined

/**
 * Settings an SDK client looks up for itself when it is given none: FIPS and dual-stack endpoints, the app id in its
 * user agent, the auth scheme preference, and the retry settings (read, though the session's retry strategy decides).
 * Each new client would look them up afresh — the environment, then the shared config file, then the default, with
 * an error and its stack trace built at every link passed — about a fifth of a millisecond of CPU per client, and
 * every account of a run builds its own (STS's, and one per service the connector calls). Here they are looked up
 * once per process, by the SDK's own loaders in the same order, and every client shares the answers.
 */
export function sharedSettings(): SharedSettings {
  shared ??= {
    useDualstackEndpoint: loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS),
    useFipsEndpoint: loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS),
    userAgentAppId: loadConfig(NODE_APP_ID_CONFIG_OPTIONS),
    authSchemePreference: loadConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS),
    maxAttempts: loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS),
    retryMode: loadConfig({ ...NODE_RETRY_MODE_CONFIG_OPTIONS, default: DEFAULT_RETRY_MODE }),
  }
  return shared
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

