/** Test-only: an AWS connector's kit spec for the setup kit's specs (any connector's nouns would do). */
import type { Manifest, SetupValues } from '@connectors/core'
import { awsSetupKit } from './setup-kit.js'
import type { AwsSetupKitSpec } from './setup-kit-inputs.js'

/** Two fetchers sharing a permission (listed once), one optional permission tied to a feature. */
export const exampleManifest: Manifest = {
  contractVersion: 1,
  authOperation: 'sts:AssumeRole',
  userFields: [{ name: 'Username', description: 'The user name' }],
  licenseTypes: ['Example'],
  entities: ['users', 'groups'],
  fetchers: [
    {
      entity: 'users',
      permissions: ['identitystore:ListUsers'],
      description: 'Lists every user.',
      optionalPermissions: [{ permission: 'identitystore:DescribeUser', feature: 'userDetails', description: "Reads each user's details." }],
    },
    { entity: 'groups', permissions: ['identitystore:ListGroups', 'identitystore:ListUsers'], description: 'Lists every group.' },
  ],
}

export const exampleSpec: AwsSetupKitSpec = { connectorId: 'example-aws', displayName: 'Example', manifest: exampleManifest, roleName: 'ExampleReadOnly', policyName: 'ExampleReadPolicy', sid: 'ExampleRead' }

/** The required permissions of the example, in manifest order. */
export const EXAMPLE_PERMISSIONS = ['identitystore:ListUsers', 'identitystore:ListGroups']

/** The kit's files by name. */
export function exampleKit(values?: SetupValues): ReadonlyMap<string, string> {
  return new Map(awsSetupKit(exampleSpec, values).map((d) => [d.file, d.content]))
}

/** A file of a kit, or a test failure naming it. */
export function fileOf(kit: ReadonlyMap<string, string>, file: string): string {
  const content = kit.get(file)
  if (content === undefined) throw new Error(`the kit has no ${file}`)
  return content
}

export const FILLED: Required<SetupValues> = { organizationId: 'org-42', principalArn: 'arn:aws:iam::111122223333:role/platform' }
