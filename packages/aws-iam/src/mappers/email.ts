/** Deriving an email for an IAM user (pure). */
import { EmailAddress, type EmailRule } from '../config.js'

/** The user's email by the rule: the explicit map, then the username when it is an address, then the template. */
export function emailFor(username: string, rule: EmailRule | undefined): string | undefined {
  const mapped = rule?.map?.[username]
  if (mapped !== undefined) return mapped
  if ((rule?.usernameIsEmail ?? true) && EmailAddress.is(username)) return username
  if (rule?.template !== undefined) {
    const candidate = rule.template.replace('{username}', username)
    return EmailAddress.is(candidate) ? candidate : undefined
  }
  return undefined
}
