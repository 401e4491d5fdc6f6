/**
 * Authentication: the platform's base credentials from the AWS default provider chain, then AssumeRole into
 * the customer's role with the ExternalId and an inline session policy allowing exactly the manifest's
 * actions. The session refreshes its credentials before they expire and can be renewed on `ExpiredToken`.
 */
import { AdaptiveLimiter, AdaptiveRateLimiter, ConnectorError, defaultRetryPolicy, type ErrorScope, type RetryPolicy, type RunContext } from '@connectors/core'
import { IAMClient } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { defaultProvider } from '@aws-sdk/credential-provider-node'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from '@smithy/types'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { defaultRegion, defaultRoleSessionName, parseRoleArn, type AwsIamConfig } from './config.js'
import { translateAwsError, type Phase } from './errors.js'
import { BoundedHttpHandler } from './http-handler.js'
import { manifest, permissionPolicy } from './manifest.js'
import { ConnectorRetryStrategy } from './retry-strategy.js'

/** The connector id. */
export const CONNECTOR_ID = 'aws-iam'

/** Credentials are refreshed when fewer than this many ms remain (the SDK asks again 5 minutes before expiry). */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000

/** What the connector takes from outside; every field has a production default. */
export interface AwsIamDeps {
  /** The platform's base credentials (default: the AWS default provider chain). */
  readonly baseCredentials?: AwsCredentialIdentityProvider
  readonly retryPolicy?: RetryPolicy
  /** GetGroup concurrency per account: starting and maximum bound (adapts to throttling in between). */
  readonly concurrency?: { readonly initial: number; readonly max: number }
  /** Per-request timeout, in ms (default 20 s; the config's `requestTimeoutMs` wins); a stalled response becomes a retryable `Transient`. */
  readonly requestTimeoutMs?: number
  readonly random?: () => number
}

/** An authenticated session in one customer account. */
export interface AwsIamSession {
  readonly accountId: string
  readonly roleArn: string
  /** The IAM client in force (replaced by {@link AwsIamSession.renew}). */
  readonly iam: () => IAMClient
  /** Assumes the role afresh and replaces the IAM client (after `ExpiredToken`). */
  readonly renew: () => Promise<E.Either<ConnectorError, void>>
  /** Bounds concurrent calls in this account; shrinks on throttling. */
  readonly limiter: AdaptiveLimiter
  readonly emailRule: AwsIamConfig['email']
  readonly translate: (thrown: unknown, operation: string) => ConnectorError
}

function scopeOf(accountId: string, operation: string): ErrorScope {
  return { connector: CONNECTOR_ID, account: accountId, operation }
}

/** Endpoint overrides: the config's, else the standard AWS_ENDPOINT_URL_* variables. */
export function endpointsOf(config: AwsIamConfig, env: RunContext['env']): { sts?: string; iam?: string } {
  const sts = config.endpoints?.sts ?? env['AWS_ENDPOINT_URL_STS'] ?? env['AWS_ENDPOINT_URL']
  const iam = config.endpoints?.iam ?? env['AWS_ENDPOINT_URL_IAM'] ?? env['AWS_ENDPOINT_URL']
  return { ...(sts !== undefined && sts !== '' ? { sts } : {}), ...(iam !== undefined && iam !== '' ? { iam } : {}) }
}

/**
 * Runs around every attempt (first tries and retries alike, inside the SDK's retry loop): waits for the
 * account's paced slot, counts the call, and reports successes to the pacer.
 */
function attemptMiddleware<I extends object, O extends object>(ctx: RunContext, service: string, rate?: AdaptiveRateLimiter): Pluggable<I, O> {
  return {
    applyToStack: (stack) =>
      stack.add(
        (next, context) => async (args) => {
          const command = (context as { commandName?: string }).commandName ?? 'Unknown'
          await rate?.acquire()
          ctx.emit({ type: 'apiCall', operation: `${service}:${command.replace(/Command$/, '')}` })
          const result = await next(args)
          rate?.succeeded()
          return result
        },
        { step: 'deserialize', name: 'connectorsAttempt', override: true },
      ),
  }
}


/** AssumeRole with ExternalId and the least-privilege session policy; then a refreshing IAM session. */
export function authenticate(deps: AwsIamDeps) {
  // One transport per connector instance, per request timeout: accounts share keep-alive connections to the
  // same (global IAM, regional STS) endpoints instead of each opening its own.
  const handlers = new Map<number, BoundedHttpHandler>()
  const handlerFor = (requestTimeoutMs: number) => {
    const existing = handlers.get(requestTimeoutMs)
    if (existing !== undefined) return existing
    const created = new BoundedHttpHandler({ requestTimeoutMs })
    handlers.set(requestTimeoutMs, created)
    return created
  }
  return (config: AwsIamConfig, ctx: RunContext): TE.TaskEither<ConnectorError, AwsIamSession> =>
    async () => {
      const { partition, accountId } = parseRoleArn(config.roleArn)
      const region = config.region ?? defaultRegion[partition]
      const endpoints = endpointsOf(config, ctx.env)
      const policy = deps.retryPolicy ?? defaultRetryPolicy
      const random = deps.random ?? Math.random
      // In-flight GetGroup calls: at least `initial` (pacing, not concurrency, is what answers throttling — a
      // single slot held through a throttled call's backoff would serialize the account), growing to `max`.
      const initial = deps.concurrency?.initial ?? 4
      const limiter = new AdaptiveLimiter({ initial, min: initial, max: deps.concurrency?.max ?? 16 })
      // IAM's limits are per calling account: one pacer per session paces every IAM call of this account.
      const rate = new AdaptiveRateLimiter()
      const handler = handlerFor(config.requestTimeoutMs ?? deps.requestTimeoutMs ?? 20_000)
      const retryStrategy = (service: string, phase: Phase) =>
        new ConnectorRetryStrategy(policy, {
          classify: (thrown) => translateAwsError(thrown, scopeOf(accountId, service), phase, config.roleArn),
          random,
          onError: (error) => {
            if (error.reason !== 'Throttled') return
            limiter.throttled()
            if (phase === 'iam') rate.throttled()
            ctx.emit({ type: 'throttled', operation: error.operation })
          },
          onRetry: (error, retry, delayMs) => {
            ctx.emit({ type: 'retry', operation: error.operation, reason: error.reason, delayMs })
            ctx.logger.debug({ account: accountId, operation: error.operation, reason: error.reason, retry, delayMs }, 'retrying')
          },
        })
      const sts = new STSClient({
        region,
        ...(endpoints.sts !== undefined ? { endpoint: endpoints.sts } : {}),
        credentials: deps.baseCredentials ?? defaultProvider(),
        retryStrategy: retryStrategy('sts:AssumeRole', 'assume'),
        requestHandler: handler,
        cacheMiddleware: true,
      })
      sts.middlewareStack.use(attemptMiddleware(ctx, 'sts'))

      const assume = async (): Promise<E.Either<ConnectorError, AwsCredentialIdentity>> => {
        try {
          const out = await sts.send(
            new AssumeRoleCommand({
              RoleArn: config.roleArn,
              ExternalId: config.externalId,
              RoleSessionName: config.roleSessionName ?? defaultRoleSessionName(accountId),
              DurationSeconds: config.sessionDurationSeconds ?? 3600,
              Policy: JSON.stringify(permissionPolicy(manifest)),
            }),
          )
          const c = out.Credentials
          if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) {
            return E.left(ConnectorError.upstream({ ...scopeOf(accountId, 'sts:AssumeRole'), detail: 'AssumeRole returned no credentials' }))
          }
          return E.right({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration !== undefined ? { expiration: c.Expiration } : {}) })
        } catch (thrown) {
          return E.left(translateAwsError(thrown, scopeOf(accountId, 'sts:AssumeRole'), 'assume', config.roleArn))
        }
      }

      const makeIam = (initial: AwsCredentialIdentity): IAMClient => {
        let current = initial
        const credentials: AwsCredentialIdentityProvider = async () => {
          const expiresAt = current.expiration?.getTime()
          if (expiresAt !== undefined && expiresAt - ctx.now().getTime() < REFRESH_MARGIN_MS) {
            const renewed = await assume()
            if (E.isLeft(renewed)) throw Object.assign(new Error(renewed.left.detail), { name: 'CredentialsProviderError', connectorError: renewed.left })
            current = renewed.right
          }
          return current
        }
        const client = new IAMClient({
          region: defaultRegion[partition],
          ...(endpoints.iam !== undefined ? { endpoint: endpoints.iam } : {}),
          credentials,
          retryStrategy: retryStrategy('iam', 'iam'),
          requestHandler: handler,
          // Resolve each command's middleware stack once per client, not per request (about a fifth of the SDK's
          // CPU per call); safe because nothing here changes the stack per command.
          cacheMiddleware: true,
        })
        client.middlewareStack.use(attemptMiddleware(ctx, 'iam', rate))
        return client
      }

      const first = await assume()
      if (E.isLeft(first)) return first
      let iam = makeIam(first.right)
      ctx.logger.info({ account: accountId, roleArn: config.roleArn }, 'assumed role')
      return E.right({
        accountId,
        roleArn: config.roleArn,
        iam: () => iam,
        renew: async () => {
          const next = await assume()
          if (E.isLeft(next)) return next
          iam = makeIam(next.right)
          ctx.logger.info({ account: accountId }, 'renewed the session after it expired')
          return E.right(undefined)
        },
        limiter,
        emailRule: config.email,
        translate: (thrown, operation) => {
          const wrapped = (thrown as { connectorError?: ConnectorError } | undefined)?.connectorError
          return wrapped ?? translateAwsError(thrown, scopeOf(accountId, operation), 'iam', config.roleArn)
        },
      })
    }
}
