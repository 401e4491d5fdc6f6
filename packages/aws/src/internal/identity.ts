/**
 * The platform's side of a session: which base credentials call STS for a partition, which ExternalId an account
 * presents, and the limits AWS puts on a session chained from the platform's own role.
 */
import type { PlatformIdentity } from '@connectors/core'
import { fromIni } from '@aws-sdk/credential-provider-ini'
import { defaultProvider } from '@aws-sdk/credential-provider-node'
import type { AwsCredentialIdentityProvider } from '@smithy/types'
import { ExternalId } from './codecs.js'
import type { Partition } from './regions.js'

/**
 * The base credentials for a partition: the run config's source for it (a shared-config profile, or variables under
 * an env prefix: `GOV_` reads `GOV_AWS_ACCESS_KEY_ID`, `GOV_AWS_SECRET_ACCESS_KEY`, `GOV_AWS_SESSION_TOKEN`), else the
 * AWS default chain. An aws-cn or aws-us-gov account can only be reached with credentials of its own partition.
 */
export function baseCredentialsFor(partition: Partition, platform: PlatformIdentity | undefined, env: Readonly<Record<string, string | undefined>>): AwsCredentialIdentityProvider {
  const source = platform?.credentials?.[partition]
  if (source?.profile !== undefined) return fromIni({ profile: source.profile })
  if (source?.envPrefix !== undefined) {
    const prefix = source.envPrefix
    return async () => {
      const accessKeyId = env[`${prefix}AWS_ACCESS_KEY_ID`]
      const secretAccessKey = env[`${prefix}AWS_SECRET_ACCESS_KEY`]
      if (accessKeyId === undefined || secretAccessKey === undefined) throw Object.assign(new Error(`${prefix}AWS_ACCESS_KEY_ID and ${prefix}AWS_SECRET_ACCESS_KEY must be set for ${partition} accounts`), { name: 'CredentialsProviderError' })
      const sessionToken = env[`${prefix}AWS_SESSION_TOKEN`]
      return { accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) }
    }
  }
  return defaultProvider()
}

/** The ExternalId an account presents: its own, else the platform's organization id. */
export function externalIdOf(own: string | undefined, platform: PlatformIdentity | undefined): { readonly externalId?: ExternalId; readonly issue?: string } {
  const externalId = own ?? platform?.organizationId
  if (externalId === undefined) return { issue: "externalId: is required — set it on the account, or platform.organizationId in the run config (the customer's organization id)" }
  if (!ExternalId.is(externalId)) return { issue: 'platform.organizationId: expected an ExternalId of 2–1224 characters from [A-Za-z0-9_+=,.@:/-] (not shown)' }
  return { externalId }
}

/** AWS caps a session chained from an assumed role at one hour: a longer one is refused before any call. */
export function chainingIssue(platform: PlatformIdentity | undefined, sessionDurationSeconds: number | undefined): string | undefined {
  const chained = platform?.principalArn !== undefined && /^arn:[\w-]+:(iam::\d{12}:role\/|sts::\d{12}:assumed-role\/)/.test(platform.principalArn)
  if (!chained || (sessionDurationSeconds ?? 3600) <= 3600) return undefined
  return `sessionDurationSeconds: at most 3600 when the platform's principal is a role (${platform?.principalArn}): AWS caps a session chained from an assumed role at one hour`
}
