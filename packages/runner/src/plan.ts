/**
 * From a run config to the units of a run: each account entry of each connector, named, given a safe file name
 * and the upstream account its config addresses. What makes the run ambiguous — two entries with one name, or
 * one upstream account listed twice — is refused here, naming both entries, before anything runs.
 */
import { decodeWith, suggestion, type AnyConnector } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type { RunConfig } from './run-config.js'
import type { PlannedUnit } from './run/unit.js'

/** A file name for a unit name: letters, digits, `.`, `_` and `-` only, never starting with a dot. */
export function fileNameOf(unit: string): string {
  const safe = unit.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_').slice(0, 120)
  return safe === '' ? '_' : safe
}

/**
 * Plans the units of `config`, whose connectors (one per `config.connectors` entry, in order) are loaded. `only`,
 * when given, keeps the accounts so named. Left: every problem, one line each, naming the entries.
 */
export function planUnits(config: RunConfig, connectors: ReadonlyArray<AnyConnector>, only?: ReadonlyArray<string>, baseDir?: string): E.Either<ReadonlyArray<string>, ReadonlyArray<PlannedUnit>> {
  const { problems, units } = plan(config, connectors, only, baseDir)
  return problems.length > 0 ? E.left(problems) : E.right(units)
}

/** Every unit of the config, and every problem that makes the run ambiguous. */
export function plan(config: RunConfig, connectors: ReadonlyArray<AnyConnector>, only?: ReadonlyArray<string>, baseDir?: string): { readonly problems: ReadonlyArray<string>; readonly units: ReadonlyArray<PlannedUnit> } {
  const problems: string[] = []
  const byName = new Map<string, string>()
  const byFile = new Map<string, string>()
  const byAccount = new Map<string, string>()
  const units: PlannedUnit[] = []
  for (const [i, entry] of config.connectors.entries()) {
    const connector = connectors[i] as AnyConnector
    for (const [j, account] of entry.accounts.entries()) {
      const where = `connectors[${i}].accounts[${j}]`
      const named = `${where} ("${account.name}")`
      if (account.name.trim() === '') problems.push(`${where}.name: must not be empty (output files are named after it)`)
      const sameName = byName.get(account.name)
      if (sameName !== undefined) problems.push(`${where}.name: "${account.name}" is already the name of ${sameName}; give every account its own name (output files are named after it)`)
      byName.set(account.name, where)
      const fileName = fileNameOf(account.name)
      const sameFile = byFile.get(fileName.toLowerCase())
      if (sameFile !== undefined && sameName === undefined) problems.push(`${where}.name: "${account.name}" and ${sameFile} would share the output file name "${fileName}"; rename one`)
      byFile.set(fileName.toLowerCase(), named)
      const accountId = E.map((decoded) => String(connector.accountOf(decoded)))(decodeWith(connector.config, { connector: connector.id, account: '-', operation: 'config' })(account.config))
      if (E.isRight(accountId)) {
        const key = `${connector.id}\u0000${accountId.right}`
        const same = byAccount.get(key)
        if (same !== undefined) problems.push(`${named}: addresses ${connector.id} account ${accountId.right}, as ${same} does; list each account once`)
        byAccount.set(key, named)
      }
      units.push({ unit: account.name, fileName, connector, config: account.config, account: accountId, exclude: account.exclude ?? [], ...(baseDir !== undefined ? { baseDir } : {}) })
    }
  }
  const names = [...byName.keys()]
  for (const name of only ?? []) if (!byName.has(name)) problems.push(`--account ${name}: no account of the run config has this name${suggestion(name, names)}`)
  return { problems, units: only === undefined || only.length === 0 ? units : units.filter((u) => only.includes(u.unit)) }
}

/** Every account config problem of a plan, one line each with its full path (for `connectors validate`). */
export function configProblems(config: RunConfig, units: ReadonlyArray<PlannedUnit>): ReadonlyArray<string> {
  const where = new Map(config.connectors.flatMap((entry, i) => entry.accounts.map((a, j) => [a.name, `connectors[${i}].accounts[${j}].config`] as const)))
  return units.flatMap((u) => (E.isLeft(u.account) && u.account.left.reason === 'InvalidConfig' ? u.account.left.issues.map((issue) => `${where.get(u.unit)}.${issue.replace(/^\(root\)/, '')}`.replace(/\.:/, ':')) : []))
}
