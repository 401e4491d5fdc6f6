/**
 * Authentication: the AWS layer's AssumeRole session, with the manifest's actions as its session policy, plus the
 * IAM client the fetchers use.
 */
import { IAMClient } from '@aws-sdk/client-iam'
import { assumeRole, defaultRegion, type AwsDeps, type AwsSession } from '@connectors/aws'
import { permissionsFor, type ConnectorError, type RunContext } from '@connectors/core'
import * as TE from 'fp-ts/TaskEither'
import { featuresOf, type AwsIamConfig } from './config.js'
import { manifest, POLICY } from './manifest.js'

/** The connector id. */
export const CONNECTOR_ID = 'aws-iam'

/** What the connector takes from outside; every field has a production default (`concurrency` bounds GetGroup calls). */
export type AwsIamDeps = AwsDeps

/** An authenticated session in one customer account. */
export interface AwsIamSession extends AwsSession {
  /** The IAM client in force (rebuilt after the session is renewed). */
  readonly iam: () => IAMClient
}

/** AssumeRole with ExternalId and the least-privilege session policy; then a refreshing IAM session. */
export function authenticate(deps: AwsIamDeps) {
  // The session may call exactly what this account's config needs: the required actions and its features' ones.
  const assume = assumeRole({ id: CONNECTOR_ID, permissions: (config) => permissionsFor(manifest, featuresOf(config as AwsIamConfig)), policySid: POLICY.sid }, deps)
  return (config: AwsIamConfig, ctx: RunContext): TE.TaskEither<ConnectorError, AwsIamSession> =>
    TE.map((session: AwsSession) => ({
      ...session,
      // IAM is global per partition: its one endpoint signs in the partition's default region, whatever the STS region.
      iam: session.client('iam', (c) => new IAMClient(c), { region: defaultRegion[session.partition] }),
    }))(assume(config, ctx))
}
