/**
 * The installed connectors as the console shows them: a tile per connector from its manifest (the same
 * functions the capabilities table is rendered with), its config JSON Schema for the form, the keys its codec
 * marks sensitive, and its setup kit filled in with this installation's organization id and principal.
 */
import { authStepOf, operatorOnlyKeys, optionalPermissions, requiredPermissions, sensitiveKeys, toJsonSchema, type AnyConnector, type JsonSchema, type PlatformIdentity, type SetupValues } from '@connectors/core'
import { ConsoleOptionsError, type InstalledConnector } from './options.js'

/** One connector, with what the console derives from it once. */
export interface CatalogEntry {
  readonly id: string
  readonly packageName: string
  readonly connector: AnyConnector
  readonly schema: JsonSchema
  /** Keys whose values are never stored, logged or sent back (ExternalIds, tokens). */
  readonly sensitive: ReadonlySet<string>
  /** Keys only the operator sets in a run config (endpoints, files on this host): not in the form, refused from it. */
  readonly operatorOnly: ReadonlySet<string>
  /** The setup kit's files, filled in (empty when the connector has none). */
  readonly setup: ReadonlyArray<{ readonly file: string; readonly content: string }>
}

/** `schema` without the properties named `keys`, at any depth: the form never offers them. */
export function withoutProperties(schema: JsonSchema, keys: ReadonlySet<string>): JsonSchema {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip)
    if (typeof node !== 'object' || node === null) return node
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) out[key] = strip(value)
    if (typeof out['properties'] === 'object' && out['properties'] !== null) {
      out['properties'] = Object.fromEntries(Object.entries(out['properties'] as Record<string, unknown>).filter(([key]) => !keys.has(key)))
      if (Array.isArray(out['required'])) out['required'] = (out['required'] as unknown[]).filter((key) => typeof key !== 'string' || !keys.has(key))
    }
    return out
  }
  return strip(schema) as JsonSchema
}

/** A tile of the Integrations page. */
export interface Tile {
  readonly id: string
  readonly displayName: string
  readonly version: string
  readonly packageName: string
  readonly userFields: ReadonlyArray<{ readonly name: string; readonly description: string }>
  readonly licenseTypes: ReadonlyArray<string>
  readonly entities: ReadonlyArray<string>
  readonly authStep: string
  readonly requiredPermissions: ReadonlyArray<string>
  readonly optionalPermissions: ReadonlyArray<{ readonly permission: string; readonly feature: string; readonly description: string }>
}

export class Catalog {
  private readonly byId: ReadonlyMap<string, CatalogEntry>

  constructor(
    installed: ReadonlyArray<InstalledConnector>,
    readonly platform: PlatformIdentity,
  ) {
    const values: SetupValues = { ...(platform.organizationId !== undefined ? { organizationId: platform.organizationId } : {}), ...(platform.principalArn !== undefined ? { principalArn: platform.principalArn } : {}) }
    this.byId = new Map(
      [...installed]
        .sort((a, b) => a.connector.id.localeCompare(b.connector.id))
        .map(({ packageName, connector }) => [connector.id, { id: connector.id, packageName, connector, schema: withoutProperties(toJsonSchema(connector.config, `${connector.displayName} account`), new Set(operatorOnlyKeys(connector.config))), sensitive: new Set(sensitiveKeys(connector.config)), operatorOnly: new Set(operatorOnlyKeys(connector.config)), setup: setupOf(connector, values) }]),
    )
  }

  get entries(): ReadonlyArray<CatalogEntry> {
    return [...this.byId.values()]
  }

  get(id: string): CatalogEntry | undefined {
    return this.byId.get(id)
  }

  tile(entry: CatalogEntry): Tile {
    const { manifest } = entry.connector
    return {
      id: entry.id,
      displayName: entry.connector.displayName,
      version: entry.connector.version,
      packageName: entry.packageName,
      userFields: manifest.userFields.map((f) => ({ name: f.name, description: f.description })),
      licenseTypes: manifest.licenseTypes,
      entities: manifest.entities,
      authStep: authStepOf(entry.connector),
      requiredPermissions: requiredPermissions(manifest),
      optionalPermissions: optionalPermissions(manifest),
    }
  }

  /**
   * A connector's fix, with what the console knows filled in: fixes name the organization id as a placeholder
   * because a log line must not carry it, while the admin reading this page is the one who gives it to customers.
   */
  fillFix(text: string): string {
    const org = this.platform.organizationId
    return org === undefined ? text : text.replaceAll('<organization id>', org)
  }
}

/** The kit filled in; a value the kit refuses (a principal that is no role ARN) stops the console before it starts. */
function setupOf(connector: AnyConnector, values: SetupValues): ReadonlyArray<{ readonly file: string; readonly content: string }> {
  if (connector.setupDocs === undefined) return []
  try {
    return connector.setupDocs(values)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    const message = error.message.replace(/(^|; )(organizationId|principalArn):/g, (_all, sep: string, key: string) => `${sep}${key === 'organizationId' ? '--org' : '--principal'}:`)
    throw new ConsoleOptionsError(`${connector.id} setup kit: ${message}`)
  }
}
