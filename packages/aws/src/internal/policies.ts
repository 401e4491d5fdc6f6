/**
 * The policy documents around an AssumeRole connector, as pure functions: the permission policy a customer
 * attaches to the role (and the connector's inline session policy, the same document), and the trust policy.
 */
import type { Partition } from './regions.js'

/** A policy document, as IAM accepts it. */
export interface PolicyDocument {
  readonly Version: '2012-10-17'
  readonly Statement: ReadonlyArray<Readonly<Record<string, unknown>>>
}

/**
 * A policy allowing exactly `permissions` (e.g. a manifest's `iam:ListUsers`…) on every resource: what the
 * customer attaches to the role, and the session policy that caps the session even when the role allows more.
 * `sid` names the statement (letters and digits).
 */
export function permissionPolicy(permissions: ReadonlyArray<string>, sid = 'ConnectorsReadOnly'): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Action: [...permissions], Resource: '*' }] }
}

/**
 * The trust policy: only the platform's principal may assume the role, and only with the customer's ExternalId.
 * With `partition` (the role's), a principal of another partition is refused: IAM cannot trust across partitions,
 * so such a document could never work.
 */
export function trustPolicy(principalArn: string, externalId: string, partition?: Partition): PolicyDocument {
  const principalPartition = /^arn:([\w-]+):/.exec(principalArn)?.[1]
  if (partition !== undefined && principalPartition !== partition) {
    throw new RangeError(`trustPolicy: a role in the ${partition} partition cannot trust ${principalArn}, a principal of ${principalPartition ?? 'no partition'}`)
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ConnectorsAssumeWithExternalId',
        Effect: 'Allow',
        Principal: { AWS: principalArn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  }
}

/** A policy as a customer pastes it into the console: two-space indented JSON with a final newline. */
export function renderPolicy(policy: PolicyDocument): string {
  return `${JSON.stringify(policy, null, 2)}\n`
}
