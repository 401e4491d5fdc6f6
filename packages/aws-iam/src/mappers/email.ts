/** Deriving an email for an IAM user (pure). */
import { EmailAddress, type EmailRule } from '../config.js'

/** Explicit username → email entries, from the config's `map` and its `mapFile`. */
export type EmailEntries = ReadonlyMap<string, string>

/**
 * The user's email: the username when it is an address (an address is never rewritten by a rule), then the explicit
 * entries (they win over a pattern), then the template; `undefined` when none applies.
 */
export function emailFor(username: string, rule: EmailRule | undefined, entries: EmailEntries = new Map(Object.entries(rule?.map ?? {}))): string | undefined {
  if (EmailAddress.is(username)) return username
  const explicit = entries.get(username)
  if (explicit !== undefined) return explicit
  if (rule?.template === undefined) return undefined
  const candidate = rule.template.replace('{username}', username)
  return EmailAddress.is(candidate) ? candidate : undefined
}
