/**
 * The AssumeRole session every AWS connector runs on: the platform's base credentials from the AWS default
 * provider chain, then AssumeRole into the customer's role — always with the ExternalId, and with an inline session
 * policy allowing exactly the connector's permissions, so the session can do no more even when the role allows
 * more. Credentials are refreshed before they expire and renewed on `ExpiredToken`. The session builds the
 * connector's own SDK clients (`IAMClient`, `IdentitystoreClient`…) on one shared transport, with core's retry
 * policy, and paces each service's calls per account.
 */
import { AdaptiveLimiter, AdaptiveRateLimiter, ConnectorError, defaultRetryPolicy, type ErrorScope, type RetryPolicy, type RunContext } from '@connectors/core'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MiddlewareStack, RetryStrategyV2 } from '@smithy/types'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { attemptMiddleware, endpointOf, sharedSettings, unsafeEndpointVariables, type SharedSettings } from './client-config.js'
import { defaultRegion, defaultRoleSessionName, parseRoleArn, type ExternalId, type RoleArn } from './codecs.js'
import { translateAwsError, type Phase } from './errors.js'
import { BoundedHttpHandler } from './http-handler.js'
import { baseCredentialsFor, chainingIssue, externalIdOf } from './identity.js'
import { permissionPolicy } from './policies.js'
import type { Partition } from './regions.js'
import { ConnectorRetryStrategy, operationOf, sentAtOf } from './retry-strategy.js'

/** Credentials are refreshed when fewer than this many ms remain (the SDK asks again 5 minutes before expiry). */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000

/** An account's fan-out grows only after this long without a throttle. */
const FAN_OUT_QUIET_MS = 5_000

/** What an AWS connector takes from outside; every field has a production default. */
export interface AwsDeps {
  /** The platform's base credentials (default: the AWS default provider chain). */
  readonly baseCredentials?: AwsCredentialIdentityProvider
  /** Attempts and backoff for every AWS call (default: core's `defaultRetryPolicy`). */
  readonly retryPolicy?: RetryPolicy
  /** Concurrent fan-out calls per account (e.g. one per group): starting and maximum bound, adapting in between. */
  readonly concurrency?: { readonly initial: number; readonly max: number }
  /** Per-request timeout, in ms (default 20 s; the config's `requestTimeoutMs` wins); a stalled response becomes a retryable `Transient`. */
  readonly requestTimeoutMs?: number
  /** The backoff's jitter, in [0, 1) (tests pin it). */
  readonly random?: () => number
}

/** Who the session is for: the connector's id (errors, session name) and the permissions its session policy allows. */
export interface AwsConnectorSpec {
  /** The connector's id (`aws-iam`): error scopes, and the default role session name. */
  readonly id: string
  /**
   * The exact actions a session for this config may call: the manifest's required permissions, and the optional ones
   * of the features the config turns on (`permissionsFor(manifest, featuresOf(config))`).
   */
  readonly permissions: (config: AssumeRoleConfig) => ReadonlyArray<string>
  /** The session policy statement's Sid (default `ConnectorsReadOnly`). */
  readonly policySid?: string
}

/** The fields of a connector's config that the session reads (an AWS connector's config codec has them). */
export interface AssumeRoleConfig {
  readonly roleArn: RoleArn
  /** The ExternalId the role's trust policy requires; default: the platform's organization id (`ctx.platform`). */
  readonly externalId?: ExternalId | undefined
  /** The STS region (default: the partition's). */
  readonly region?: string | undefined
  readonly roleSessionName?: string | undefined
  readonly sessionDurationSeconds?: number | undefined
  readonly requestTimeoutMs?: number | undefined
  /** Endpoint overrides by service id (`sts`, `iam`…); else `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`. */
  readonly endpoints?: { readonly [service: string]: string | undefined } | undefined
}

/** The configuration the session hands a client factory: spread it into any SDK v3 client's constructor. */
export interface AwsClientConfig extends SharedSettings {
  /** The region the client signs for. */
  readonly region: string
  /** The endpoint override, when the config or the environment sets one. */
  readonly endpoint?: string
  /** The assumed role's credentials, refreshed before they expire. */
  readonly credentials: AwsCredentialIdentityProvider
  /** Core's retry policy, classifying errors with {@link translateAwsError}. */
  readonly retryStrategy: RetryStrategyV2
  /** The connector's shared transport. */
  readonly requestHandler: BoundedHttpHandler
  /** Resolve each command's middleware stack once per client (nothing here changes it per command). */
  readonly cacheMiddleware: boolean
}

/** What the session needs of an SDK client: its middleware stack, to count and pace every attempt. */
export interface SdkClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- variance: each client's stack is typed by its own commands; the middleware passes any of them through
  readonly middlewareStack: MiddlewareStack<any, any>
}

/** An authenticated session in one customer account. */
export interface AwsSession {
  /** The connector's id, for error scopes. */
  readonly connector: string
  readonly accountId: string
  readonly roleArn: RoleArn
  readonly partition: Partition
  /** The region STS was called in, and the default for clients. */
  readonly region: string
  /** Bounds concurrent fan-out calls in this account; shrinks on throttling. */
  readonly limiter: AdaptiveLimiter
  /**
   * A client of `service` (its id in permissions and endpoint overrides: `iam`, `identitystore`) built by `factory`
   * from the session's {@link AwsClientConfig}. Returns a getter: the client in force, rebuilt after {@link renew}.
   * `region` overrides the session's (a global service such as IAM signs in its partition's default region).
   */
  readonly client: <C extends SdkClient>(service: string, factory: (config: AwsClientConfig) => C, options?: { readonly region?: string }) => () => C
  /** Assumes the role afresh; clients from {@link client} are rebuilt on their next use (after `ExpiredToken`). */
  readonly renew: () => Promise<E.Either<ConnectorError, void>>
  /** Translates what a service call threw, for `operation` (e.g. `iam:ListUsers`). */
  readonly translate: (thrown: unknown, operation: string) => ConnectorError
  /**
   * Ends the session: its clients are dropped and any later use fails with a clear error. The keep-alive transport
   * is the connector's, shared by its accounts, so it stays open for them.
   */
  readonly release: () => Promise<void>
}

/** How a connector authenticates: a config and a run context to a session. */
export type AssumeRole = (config: AssumeRoleConfig, ctx: RunContext) => TE.TaskEither<ConnectorError, AwsSession>

/**
 * The connector's `auth`: AssumeRole with the ExternalId and the least-privilege session policy, then a session
 * whose credentials refresh before they expire.
 */
export function assumeRole(spec: AwsConnectorSpec, deps: AwsDeps = {}): AssumeRole {
  // One transport per connector instance, per request timeout: accounts share keep-alive connections to the
  // same (global, regional) endpoints instead of each opening its own.
  const handlers = new Map<number, BoundedHttpHandler>()
  const handlerFor = (requestTimeoutMs: number) => {
    const handler = handlers.get(requestTimeoutMs) ?? new BoundedHttpHandler({ requestTimeoutMs })
    handlers.set(requestTimeoutMs, handler)
    return handler
  }
  // The platform's base credentials: one provider per connector and partition, not per account (each resolves them
  // afresh: an instance-metadata call, a credential process launch).
  const providers = new Map<Partition, AwsCredentialIdentityProvider>()
  const baseCredentialsOf = (partition: Partition, ctx: RunContext) => {
    const provider = deps.baseCredentials ?? providers.get(partition) ?? baseCredentialsFor(partition, ctx.platform, ctx.env)
    providers.set(partition, provider)
    return provider
  }
  // Rendered once per distinct set of permissions, not per account.
  const policies = new Map<string, string>()
  const sessionPolicyOf = (config: AssumeRoleConfig) => {
    const permissions = spec.permissions(config)
    const key = permissions.join(',')
    const policy = policies.get(key) ?? JSON.stringify(permissionPolicy(permissions, spec.policySid))
    policies.set(key, policy)
    return policy
  }
  return (config, ctx) => async () => {
    const { partition, accountId } = parseRoleArn(config.roleArn)
    const scope = (operation: string): ErrorScope => ({ connector: spec.id, account: accountId, operation })
    const unsafe = unsafeEndpointVariables(ctx.env)
    if (unsafe.length > 0) {
      return E.left(ConnectorError.invalidConfig({ ...scope('sts:AssumeRole'), detail: 'an endpoint override from the environment is not safe to send credentials to', issues: unsafe, fix: 'use https endpoints (plain http only to 127.0.0.1, localhost or [::1]), or unset the variable' }))
    }
    const { externalId, issue } = externalIdOf(config.externalId, ctx.platform)
    const chained = chainingIssue(ctx.platform, config.sessionDurationSeconds)
    if (externalId === undefined || chained !== undefined) {
      return E.left(ConnectorError.invalidConfig({ ...scope('sts:AssumeRole'), detail: 'the session cannot be requested as configured', issues: [issue, chained].filter((i): i is string => i !== undefined), fix: 'correct the fields listed' }))
    }
    const region = config.region ?? defaultRegion[partition]
    const policy = deps.retryPolicy ?? defaultRetryPolicy
    const random = deps.random ?? Math.random
    // In-flight fan-out calls: at least `initial` (pacing, not concurrency, is what answers throttling — a single
    // slot held through a throttled call's backoff would serialize the account), growing to `max` once the account
    // has gone five seconds without a throttle (calls added in flight before its limit is met are throttled with it).
    const initial = deps.concurrency?.initial ?? 4
    const limiter = new AdaptiveLimiter({ initial, min: initial, max: deps.concurrency?.max ?? 16, growAfterQuietMs: FAN_OUT_QUIET_MS })
    // AWS limits are per calling account and service: one pacer per service paces every call of this account to it.
    const pacers = new Map<string, AdaptiveRateLimiter>()
    const handler = handlerFor(config.requestTimeoutMs ?? deps.requestTimeoutMs ?? 20_000)
    const retryStrategy = (operation: string, phase: Phase, pacer?: AdaptiveRateLimiter) =>
      new ConnectorRetryStrategy(policy, {
        classify: (thrown) => translateAwsError(thrown, scope(operationOf(thrown) ?? operation), phase, config.roleArn),
        random,
        onError: (error, thrown) => {
          if (error.reason !== 'Throttled') return
          limiter.throttled()
          pacer?.throttled(sentAtOf(thrown))
          ctx.emit({ type: 'throttled', operation: error.operation })
        },
        onRetry: (error, retry, delayMs) => {
          ctx.emit({ type: 'retry', operation: error.operation, reason: error.reason, delayMs })
          ctx.logger.debug({ account: accountId, operation: error.operation, reason: error.reason, retry, delayMs }, 'retrying')
        },
      })
    const sts = new STSClient({
      region,
      ...endpointOf(config, ctx.env, 'sts'),
      credentials: baseCredentialsOf(partition, ctx),
      retryStrategy: retryStrategy('sts:AssumeRole', 'assume'),
      requestHandler: handler,
      cacheMiddleware: true,
      ...sharedSettings(),
    })
    sts.middlewareStack.use(attemptMiddleware(ctx, 'sts'))

    const assume = async (): Promise<E.Either<ConnectorError, AwsCredentialIdentity>> => {
      try {
        const out = await sts.send(
          new AssumeRoleCommand({
            RoleArn: config.roleArn,
            ExternalId: externalId,
            RoleSessionName: config.roleSessionName ?? defaultRoleSessionName(spec.id, accountId),
            DurationSeconds: config.sessionDurationSeconds ?? 3600,
            Policy: sessionPolicyOf(config),
          }),
        )
        const c = out.Credentials
        if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) {
          return E.left(ConnectorError.upstream({ ...scope('sts:AssumeRole'), detail: 'AssumeRole returned no credentials' }))
        }
        return E.right({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration !== undefined ? { expiration: c.Expiration } : {}) })
      } catch (thrown) {
        return E.left(translateAwsError(thrown, scope('sts:AssumeRole'), 'assume', config.roleArn, ctx.platform?.principalArn))
      }
    }

    const first = await assume()
    if (E.isLeft(first)) return first
    let current = first.right
    // Bumped by renew: a client built before it holds the SDK's cached copy of the expired identity, so it is rebuilt.
    let generation = 0
    let released = false
    const credentials: AwsCredentialIdentityProvider = async () => {
      const expiresAt = current.expiration?.getTime()
      if (expiresAt !== undefined && expiresAt - ctx.now().getTime() < REFRESH_MARGIN_MS) {
        const renewed = await assume()
        // The SDK wraps what a provider throws; the ConnectorError rides along for `translate` to recover.
        if (E.isLeft(renewed)) throw Object.assign(new Error(renewed.left.detail), { name: 'CredentialsProviderError', connectorError: renewed.left })
        current = renewed.right
      }
      return current
    }
    ctx.logger.info({ account: accountId, roleArn: config.roleArn }, 'assumed role')

    return E.right({
      connector: spec.id,
      accountId,
      roleArn: config.roleArn,
      partition,
      region,
      limiter,
      client: <C extends SdkClient>(service: string, factory: (config: AwsClientConfig) => C, options: { readonly region?: string } = {}) => {
        const pacer = pacers.get(service) ?? new AdaptiveRateLimiter()
        pacers.set(service, pacer)
        let built: { readonly generation: number; readonly client: C } | undefined
        return () => {
          if (released) throw new Error(`the ${spec.id} session for account ${accountId} was released; a released session makes no more calls`)
          if (built?.generation !== generation) {
            const client = factory({
              region: options.region ?? region,
              ...endpointOf(config, ctx.env, service),
              credentials,
              retryStrategy: retryStrategy(service, 'service', pacer),
              requestHandler: handler,
              // Resolve each command's middleware stack once per client, not per request (about a fifth of the SDK's
              // CPU per call); safe because nothing here changes the stack per command.
              cacheMiddleware: true,
              ...sharedSettings(),
            })
            client.middlewareStack.use(attemptMiddleware(ctx, service, pacer))
            built = { generation, client }
          }
          return built.client
        }
      },
      renew: async () => {
        const next = await assume()
        if (E.isLeft(next)) return next
        current = next.right
        generation++
        ctx.logger.info({ account: accountId }, 'renewed the session after it expired')
        return E.right(undefined)
      },
      translate: (thrown, operation) => {
        const wrapped = (thrown as { connectorError?: ConnectorError } | undefined)?.connectorError
        return wrapped ?? translateAwsError(thrown, scope(operation), 'service', config.roleArn)
      },
      release: async () => {
        released = true
        pacers.clear()
      },
    })
  }
}
