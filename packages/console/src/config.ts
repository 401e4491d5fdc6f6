/**
 * An account's config as the console takes it: decoded by the connector's own codec (so every message is the one
 * `connectors validate` prints for that field), then split into what may be stored and the values its codec
 * marks sensitive, which never are.
 */
import { decodeWith } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type { CatalogEntry } from './catalog.js'

/** One problem, on one field path of the form (`roleArn`, `email.template`; empty for the whole form). */
export interface FieldIssue {
  readonly path: string
  readonly message: string
}

/** A config that decoded: the upstream account it addresses. */
export interface AcceptedConfig {
  readonly accountId: string
}

// `roleArn: expected …`, `email.map["a b"]: …`, `(root): …` — the path as the core decoder renders it, then the message.
const ISSUE = /^((?:\(root\)|[A-Za-z_$][\w$]*|\[(?:\d+|"(?:[^"\\]|\\.)*")\])(?:\.[A-Za-z_$][\w$]*|\[(?:\d+|"(?:[^"\\]|\\.)*")\])*): ([\s\S]*)$/

/** An issue line of the core decoder as a field issue; a line it cannot split belongs to the whole form. */
export function issueOf(line: string): FieldIssue {
  const match = ISSUE.exec(line)
  if (match === null) return { path: '', message: line }
  const path = match[1] as string
  return { path: path === '(root)' ? '' : path, message: match[2] as string }
}

/** Decodes `raw` with the connector's codec: the account it addresses, or one issue per bad path. */
export function decodeAccountConfig(entry: CatalogEntry, raw: unknown): E.Either<ReadonlyArray<FieldIssue>, AcceptedConfig> {
  const decoded = decodeWith(entry.connector.config, { connector: entry.id, account: '-', operation: 'config' })(raw)
  if (E.isLeft(decoded)) return E.left(decoded.left.issues.map(issueOf))
  return E.right({ accountId: String(entry.connector.accountOf(decoded.right)) })
}

type Json = Record<string, unknown>
const isObject = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u)

/** A config without its sensitive values (at any depth), and those values apart, in the same shape. */
export function splitSecrets(config: Json, sensitive: ReadonlySet<string>): { readonly kept: Json; readonly secrets: Json; readonly secretPaths: ReadonlyArray<string> } {
  const secretPaths: string[] = []
  const walk = (value: Json, prefix: string): { kept: Json; secrets: Json } => {
    const kept: Json = {}
    const secrets: Json = {}
    for (const [key, v] of Object.entries(value)) {
      const path = prefix === '' ? key : `${prefix}.${key}`
      if (sensitive.has(key)) {
        secrets[key] = v
        secretPaths.push(path)
      } else if (isObject(v)) {
        const inner = walk(v, path)
        kept[key] = inner.kept
        if (Object.keys(inner.secrets).length > 0) secrets[key] = inner.secrets
      } else kept[key] = v
    }
    return { kept, secrets }
  }
  return { ...walk(config, ''), secretPaths }
}

/** `kept` with `secrets` put back where they were taken from. */
export function withSecrets(kept: Json, secrets: Json): Json {
  const merged: Json = { ...kept }
  for (const [key, v] of Object.entries(secrets)) merged[key] = isObject(v) && isObject(merged[key]) ? withSecrets(merged[key], v) : v
  return merged
}
