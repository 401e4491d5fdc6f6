/**
 * Loading connectors by package name or path with dynamic `import()`, validated against the contract at
 * runtime. The runner never imports a connector statically.
 */
import { CONTRACT_VERSION, connectorProblems, type AnyConnector } from '@connectors/core'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Why a module was refused. */
export class ConnectorLoadError extends Error {
  override readonly name = 'ConnectorLoadError'
}

function specifierOf(nameOrPath: string, cwd: string): string {
  const isPath = nameOrPath.startsWith('.') || isAbsolute(nameOrPath)
  return isPath ? pathToFileURL(resolve(cwd, nameOrPath)).href : nameOrPath
}

/** Why an import failed, in the user's terms: no runner-internal path (Node names the importing file). */
function whyNotLoaded(error: unknown, nameOrPath: string): string {
  const { code, message } = error as { code?: string; message?: string }
  if (code === 'ERR_MODULE_NOT_FOUND' && (message ?? '').includes(`'${nameOrPath}'`)) return 'no such package is installed'
  if (code === 'ERR_MODULE_NOT_FOUND') return `the file or one of its imports does not exist: ${(message ?? '').split('\n')[0]?.replace(/ imported from .*$/, '')}`
  return (message ?? String(error)).split('\n')[0]?.replace(/ imported from .*$/, '') ?? String(error)
}

/** Imports `nameOrPath` and returns its connector (the default export, or an export named `connector`). */
export async function loadConnector(nameOrPath: string, cwd = process.cwd()): Promise<AnyConnector> {
  let mod: Record<string, unknown>
  try {
    mod = (await import(specifierOf(nameOrPath, cwd))) as Record<string, unknown>
  } catch (error) {
    throw new ConnectorLoadError(`cannot load connector "${nameOrPath}": ${whyNotLoaded(error, nameOrPath)}`)
  }
  const candidate = mod['default'] ?? mod['connector']
  if (candidate === undefined) {
    throw new ConnectorLoadError(`"${nameOrPath}" is not a connector: it has neither a default export nor an export named "connector"`)
  }
  const version = (candidate as { manifest?: { contractVersion?: unknown } }).manifest?.contractVersion
  if (version !== undefined && version !== CONTRACT_VERSION) {
    throw new ConnectorLoadError(`"${nameOrPath}" was built for connector contract ${String(version)}; this runner speaks contract ${CONTRACT_VERSION}`)
  }
  const problems = connectorProblems(candidate)
  if (problems.length > 0) throw new ConnectorLoadError(`"${nameOrPath}" is not a valid connector:\n  - ${problems.join('\n  - ')}`)
  return candidate as AnyConnector
}
