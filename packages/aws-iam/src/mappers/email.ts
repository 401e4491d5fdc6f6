/** Deriving an email for an IAM user (pure). */
import type { EmailRule } from '../config.js'

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** The user's email by the rule: the explicit map, then the username when it is an address, then the template. */
export function emailFor(username: string, rule: EmailRule | undefined): string | undefined {
  const mapped = rule?.map?.[username]
  if (mapped !== undefined) return mapped
  if ((rule?.usernameIsEmail ?? true) && ADDRESS.test(username)) return username
  if (rule?.template !== undefined) {
    const candidate = rule.template.replace('{username}', username)
    return ADDRESS.test(candidate) ? candidate : undefined
  }
  return undefined
}
