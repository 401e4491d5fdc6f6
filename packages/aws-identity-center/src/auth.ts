/**
 * Authentication: the AWS layer's AssumeRole session (ExternalId always, exactly this config's actions as its
 * session policy, refresh and renewal), the Identity Store and SSO Admin clients in the instance's region, and the
 * Identity Store to read: the config's, or the account's one instance found with sso:ListInstances.
 */
import { IdentitystoreClient } from '@aws-sdk/client-identitystore'
import { paginateListInstances, SSOAdminClient, type InstanceMetadata } from '@aws-sdk/client-sso-admin'
import { assumeRole, sdkPages, type AwsDeps, type AwsSession } from '@connectors/aws'
import { ConnectorError, permissionsFor, type RunContext } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { featuresOf, type AwsIdentityCenterConfig } from './config.js'
import { NEXT_TOKEN } from './fetchers/pages.js'
import { manifest, POLICY } from './manifest.js'

/** The connector id. */
export const CONNECTOR_ID = 'aws-identity-center'

/** What the connector takes from outside; every field has a production default. */
export type AwsIdentityCenterDeps = AwsDeps

/** An authenticated session in the account that holds the IAM Identity Center instance. */
export interface AwsIdentityCenterSession extends AwsSession {
  /** The Identity Store client in force (rebuilt after the session is renewed). */
  readonly identitystore: () => IdentitystoreClient
  /** The SSO Admin client in force, for discovery. */
  readonly ssoAdmin: () => SSOAdminClient
  /** The Identity Store to read: the config's, else discovered once (every fetcher shares the one answer). */
  readonly identityStoreId: TE.TaskEither<ConnectorError, string>
  /** The instance's region, for messages. */
  readonly region: string
}

/** The account's one active instance with an Identity Store, or an error naming what to set. */
export function chooseInstance(instances: ReadonlyArray<InstanceMetadata>, scope: { connector: string; account: string; region: string }): E.Either<ConnectorError, string> {
  const where = { connector: scope.connector, account: scope.account, operation: 'sso:ListInstances' }
  const usable = instances.filter((i) => i.IdentityStoreId !== undefined && (i.Status === undefined || i.Status === 'ACTIVE'))
  if (usable.length === 1) return E.right((usable[0] as InstanceMetadata).IdentityStoreId as string)
  if (usable.length === 0) {
    return E.left(
      ConnectorError.notFound({
        ...where,
        detail: `account ${scope.account} has no active IAM Identity Center instance in ${scope.region}`,
        fix: "set region to the instance's region (IAM Identity Center → Settings), or use the role of the account that holds the instance (the management account or the delegated administrator)",
      }),
    )
  }
  const ids = usable.map((i) => i.IdentityStoreId as string).join(', ')
  return E.left(ConnectorError.invalidConfig({ ...where, detail: `account ${scope.account} has ${usable.length} IAM Identity Center instances in ${scope.region} (${ids})`, issues: [], fix: `set identityStoreId to the one to sync: one of ${ids}` }))
}

/** Lists the instances once; the answer (or the failure) is kept for every later caller. */
function discovered(session: AwsSession & { readonly ssoAdmin: () => SSOAdminClient }, region: string): TE.TaskEither<ConnectorError, string> {
  let answer: Promise<E.Either<ConnectorError, string>> | undefined
  const discover = async (): Promise<E.Either<ConnectorError, string>> => {
    const instances: InstanceMetadata[] = []
    const pages = sdkPages(session, 'sso:ListInstances', (token) => paginateListInstances({ client: session.ssoAdmin(), pageSize: 100, startingToken: token }, {}), { ...NEXT_TOKEN, service: 'SSO Admin' })
    for await (const page of pages) {
      if (E.isLeft(page)) return E.left(page.left.reason === 'AccessDenied' ? { ...page.left, fix: `${page.left.fix ?? 'allow sso:ListInstances in the role’s policy'}; or set identityStoreId in the config, and no discovery is needed` } : page.left)
      instances.push(...(page.right.Instances ?? []))
    }
    return chooseInstance(instances, { connector: session.connector, account: session.accountId, region })
  }
  return () => (answer ??= discover())
}

/** AssumeRole with the ExternalId and the least-privilege session policy; then the session with its clients. */
export function authenticate(deps: AwsIdentityCenterDeps) {
  // The session may call exactly what this account's config needs: the required actions, and discovery's when asked.
  const assume = assumeRole({ id: CONNECTOR_ID, permissions: (config) => permissionsFor(manifest, featuresOf(config as AwsIdentityCenterConfig)), policySid: POLICY.sid }, deps)
  return (config: AwsIdentityCenterConfig, ctx: RunContext): TE.TaskEither<ConnectorError, AwsIdentityCenterSession> =>
    TE.map((session: AwsSession) => {
      // Identity Center is regional: both clients sign in the instance's region.
      const ssoAdmin = session.client('sso', (c) => new SSOAdminClient(c), { region: config.region })
      return {
        ...session,
        region: config.region,
        identitystore: session.client('identitystore', (c) => new IdentitystoreClient(c), { region: config.region }),
        ssoAdmin,
        identityStoreId: config.identityStoreId !== undefined ? TE.right(config.identityStoreId) : discovered({ ...session, ssoAdmin }, config.region),
      }
    })(assume(config, ctx))
}
