/**
 * What a setup kit is rendered from: the connector's names and manifest, and the trust inputs (the customer's
 * organization id, which the role requires as `sts:ExternalId`, and the platform's principal). Values are checked
 * here once, with the config codecs' own rules; a missing one stays a placeholder.
 */
import { formatValidationErrors, optionalPermissions, permissionsFor, type Manifest, type OptionalPermission, type SetupValues } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { ExternalId, parseRoleArn, RoleArn } from './codecs.js'
import { permissionPolicy, trustPolicy, type PolicyDocument } from './policies.js'
import type { Partition } from './regions.js'

/** What an AWS connector tells the kit about itself. */
export interface AwsSetupKitSpec {
  /** The connector's id (`aws-iam`): names the stack, the StackSet and the Terraform module. */
  readonly connectorId: string
  /** Its display name, as the customer knows it (`AWS IAM`). */
  readonly displayName: string
  /** Its manifest: the policy allows exactly `permissionsFor(manifest)`; optional permissions are listed apart. */
  readonly manifest: Manifest
  /** The role the customer creates (1–64 of `[A-Za-z0-9_+=,.@-]`). */
  readonly roleName: string
  /** The customer-managed policy's name (1–128 of `[A-Za-z0-9_+=,.@-]`). */
  readonly policyName: string
  /** The Sid of the policy's statement (letters and digits): the same as the connector's session policy's. */
  readonly sid: string
  /** Which account to connect, when not just any (e.g. "the account that holds your IAM Identity Center instance"). */
  readonly account?: string
  /** What to enter beside the role ARN in step 4; default: the optional Region, for the STS endpoint. */
  readonly pasteFields?: string
  /**
   * Whether every account of an AWS Organization may be connected (default true: the kit has a StackSet). False for
   * a service that lives in one account (IAM Identity Center): a StackSet would roll the role out where it reads nothing.
   */
  readonly organizationWide?: boolean
}

/** The placeholders of a kit rendered without values (the published docs). */
export const SETUP_PLACEHOLDERS = {
  organizationId: 'YOUR_ORGANIZATION_ID',
  principalArn: 'arn:aws:iam::PLATFORM_ACCOUNT_ID:role/connectors-delegator',
} as const

/** The platform's principal as the templates and the script check it (a role ARN with plain characters). */
export const PRINCIPAL_PATTERN = '^arn:(aws|aws-cn|aws-us-gov):iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]+$'
/** An ExternalId's characters, as the templates and the script check them; its length is checked apart. */
export const EXTERNAL_ID_PATTERN = '^[A-Za-z0-9_+=,.@:/-]+$'
export const EXTERNAL_ID_LENGTH = { min: 2, max: 1224 } as const
/** How an ExternalId is described to the customer. */
export const EXTERNAL_ID_RULE = `${EXTERNAL_ID_LENGTH.min}-${EXTERNAL_ID_LENGTH.max} characters from A-Z a-z 0-9 _ + = , . @ : / -`

/** Everything the renderers need, resolved. */
export interface KitInputs extends AwsSetupKitSpec {
  /** Required permissions, in manifest order. */
  readonly permissions: ReadonlyArray<string>
  /** What each required permission is for (its fetcher's description). */
  readonly purposes: ReadonlyArray<{ readonly permission: string; readonly description: string }>
  readonly optional: ReadonlyArray<OptionalPermission>
  readonly organizationId: string
  readonly principalArn: string
  /** The principal's partition: the role's too (IAM cannot trust across partitions). */
  readonly partition: Partition
  /** Which values were given (the others are placeholders). */
  readonly given: { readonly organizationId: boolean; readonly principalArn: boolean }
  readonly permissionPolicy: PolicyDocument
  readonly trustPolicy: PolicyDocument
  /** The line every file that can carry a comment starts with (without comment syntax). */
  readonly notice: string
}

const Values = t.partial({ organizationId: ExternalId, principalArn: RoleArn })

/**
 * The kit's inputs. A value that breaks its rule is a `RangeError` naming the value and the rule (an organization
 * id is never echoed): the caller's mistake, which a CLI reports as a usage error.
 */
export function kitInputs(spec: AwsSetupKitSpec, values: SetupValues = {}): KitInputs {
  const decoded = Values.decode(values)
  if (E.isLeft(decoded)) throw new RangeError(formatValidationErrors(decoded.left).join('; '))
  // Stricter than IAM's paths: the value goes into a script, templates and JSON alike, so plain characters only.
  if (values.principalArn !== undefined && !new RegExp(PRINCIPAL_PATTERN).test(values.principalArn)) {
    throw new RangeError(`principalArn: expected a role ARN whose path and name use only A-Z a-z 0-9 _ + = , . @ / -, got ${JSON.stringify(values.principalArn)}`)
  }
  const organizationId = values.organizationId ?? SETUP_PLACEHOLDERS.organizationId
  const principalArn = values.principalArn ?? SETUP_PLACEHOLDERS.principalArn
  const partition = values.principalArn !== undefined ? parseRoleArn(values.principalArn as RoleArn).partition : 'aws'
  const permissions = permissionsFor(spec.manifest)
  return {
    ...spec,
    permissions,
    purposes: permissions.map((permission) => ({ permission, description: spec.manifest.fetchers.filter((f) => f.permissions.includes(permission)).map((f) => f.description).join(' ') })),
    optional: optionalPermissions(spec.manifest),
    organizationId,
    principalArn,
    partition,
    given: { organizationId: values.organizationId !== undefined, principalArn: values.principalArn !== undefined },
    permissionPolicy: permissionPolicy(permissions, spec.sid),
    trustPolicy: trustPolicy(principalArn, organizationId, partition),
    notice: `Generated from the ${spec.connectorId} connector's manifest by the connectors CLI (connectors setup ${spec.connectorId}). Do not edit: regenerate it.`,
  }
}

/** The role's ARN in an account (`ACCOUNT_ID` where the account is not known). */
export const roleArnIn = (inputs: KitInputs, account = 'ACCOUNT_ID') => `arn:${inputs.partition}:iam::${account}:role/${inputs.roleName}`

/** A sentence listing permissions in backticks. */
export const codeList = (items: ReadonlyArray<string>) => items.map((i) => `\`${i}\``).join(', ')
