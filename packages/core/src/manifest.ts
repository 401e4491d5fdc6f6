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

/** One fetcher's declaration: the entity it produces and the exact upstream permissions it uses. */
export const FetcherManifest = t.type({
  entity: EntityKind,
  permissions: t.readonlyArray(t.string),
  description: t.string,
})
/** One fetcher's declaration. */
export type FetcherManifest = t.TypeOf<typeof FetcherManifest>

/** What a connector syncs and needs. */
export const Manifest = t.type(
  {
    contractVersion: t.literal(CONTRACT_VERSION),
    userFields: t.readonlyArray(UserField),
    licenseTypes: t.readonlyArray(t.string),
    entities: t.readonlyArray(EntityKind),
    fetchers: t.readonlyArray(FetcherManifest),
  },
  'Manifest',
)
/** What a connector syncs and needs. */
export type Manifest = t.TypeOf<typeof Manifest>

/** Every upstream permission the manifest declares, de-duplicated, in declaration order. */
export function requiredPermissions(manifest: Manifest): ReadonlyArray<string> {
  return [...new Set(manifest.fetchers.flatMap((f) => f.permissions))]
}
