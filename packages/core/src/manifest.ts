/**
 * The manifest: what a connector syncs and what it needs, as data. The capabilities table, the required
 * permission policy and the setup docs are rendered from it.
 * @module
 */
import * as t from 'io-ts'
import { EntityKind } from './records.js'

/** The version of the connector contract this package defines. A runner refuses connectors built for another. */
export const CONTRACT_VERSION = 1 as const

/** One user field a connector emits. */
export const UserField = t.intersection([
  t.type({ name: t.string, description: t.string }),
  t.partial({ /** Where the value comes from upstream, e.g. `ListUsers.UserName`. */ source: t.string }),
])
/** One user field a connector emits. */
export type UserField = t.TypeOf<typeof UserField>

/** A permission a fetcher uses only when the config enables a feature (e.g. `iam:ListUserTags` for `userTags`). */
export const OptionalPermission = t.intersection([
  t.type({ permission: t.string, feature: t.string, description: t.string }),
  /**
   * `prerequisite`: the other calls need what this one reads (e.g. discovering the resource they name), so the
   * connection check probes it first and a failure is reported at its own step.
   */
  t.partial({ prerequisite: t.boolean }),
])
/** A permission tied to a feature. */
export type OptionalPermission = t.TypeOf<typeof OptionalPermission>

/** One fetcher's declaration: the entity it produces and the exact upstream permissions it uses. */
export const FetcherManifest = t.intersection([
  t.type({
    entity: EntityKind,
    /** Always needed. */
    permissions: t.readonlyArray(t.string),
    description: t.string,
  }),
  t.partial({ optionalPermissions: t.readonlyArray(OptionalPermission) }),
])
/** One fetcher's declaration. */
export type FetcherManifest = t.TypeOf<typeof FetcherManifest>

/** What a connector syncs and needs. */
export const Manifest = t.intersection(
  [
    t.type({
      contractVersion: t.literal(CONTRACT_VERSION),
      userFields: t.readonlyArray(UserField),
      licenseTypes: t.readonlyArray(t.string),
      entities: t.readonlyArray(EntityKind),
      fetchers: t.readonlyArray(FetcherManifest),
    }),
    t.partial({
      /** The upstream operation that authenticates (e.g. `sts:AssumeRole`): the connection check's step after the config. */
      authOperation: t.string,
      /**
       * What an operator does about a user the connector found no email for (such users are left out of the
       * platform's users file and listed in the report), e.g. "add an email rule to the account's config".
       */
      missingEmailFix: t.string,
    }),
  ],
  'Manifest',
)
/** What a connector syncs and needs. */
export type Manifest = t.TypeOf<typeof Manifest>

/** Every upstream permission the manifest always needs, de-duplicated, in declaration order. */
export function requiredPermissions(manifest: Manifest): ReadonlyArray<string> {
  return [...new Set(manifest.fetchers.flatMap((f) => f.permissions))]
}

/** The optional permissions the manifest declares, each with the feature that enables it. */
export function optionalPermissions(manifest: Manifest): ReadonlyArray<OptionalPermission> {
  return manifest.fetchers.flatMap((f) => f.optionalPermissions ?? [])
}

/** A fetcher's permissions, required and optional. */
export function allPermissions(fetcher: FetcherManifest): ReadonlyArray<string> {
  return [...fetcher.permissions, ...(fetcher.optionalPermissions ?? []).map((p) => p.permission)]
}

/**
 * The permissions a config with these features enabled needs: the enabled prerequisites, the required ones, then the
 * other optional ones whose feature is on. The session policy, the setup documents and the connection check all use
 * this one list.
 */
export function permissionsFor(manifest: Manifest, features: ReadonlyArray<string> = []): ReadonlyArray<string> {
  const enabled = optionalPermissions(manifest).filter((p) => features.includes(p.feature))
  const names = (ps: ReadonlyArray<OptionalPermission>) => ps.map((p) => p.permission)
  return [...new Set([...names(enabled.filter((p) => p.prerequisite === true)), ...requiredPermissions(manifest), ...names(enabled)])]
}
