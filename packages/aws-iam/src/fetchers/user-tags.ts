/**
 * The email tag (opt-in: `email.tag`): for the users of a page that the username and the explicit entries do not
 * place, one iam:ListUserTags call each, under the account's concurrency; then the template for the rest.
 */
import { ListUserTagsCommand } from '@aws-sdk/client-iam'
import { sdkCall } from '@connectors/aws'
import type { ConnectorError } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type { AwsIamSession } from '../auth.js'
import { EmailAddress, type EmailRule } from '../config.js'
import { emailFor } from '../mappers/email.js'
import type { AwsIamUser } from '../mappers/user.js'

/** The user's tag `key` (compared without case, as IAM does) when it holds an address. */
async function taggedEmail(session: AwsIamSession, username: string, key: string): Promise<E.Either<ConnectorError, string | undefined>> {
  const tags = await session.limiter.run(sdkCall(session, 'iam:ListUserTags', () => session.iam().send(new ListUserTagsCommand({ UserName: username, MaxItems: 100 }))))()
  if (E.isLeft(tags)) return tags.left.reason === 'NotFound' ? E.right(undefined) : tags
  const value = tags.right.Tags?.find((t) => t.Key?.toLowerCase() === key.toLowerCase())?.Value?.trim()
  return E.right(value !== undefined && EmailAddress.is(value) ? value : undefined)
}

/** The page with the tag, then the template, applied to the users still without an email. */
export async function withTagEmails(session: AwsIamSession, users: ReadonlyArray<AwsIamUser>, rule: EmailRule & { readonly tag: string }): Promise<E.Either<ConnectorError, ReadonlyArray<AwsIamUser>>> {
  const placed = await Promise.all(
    users.map(async (user): Promise<E.Either<ConnectorError, AwsIamUser>> => {
      if (user.email !== undefined) return E.right(user)
      const tagged = await taggedEmail(session, user.username, rule.tag)
      if (E.isLeft(tagged)) return tagged
      const email = tagged.right ?? emailFor(user.username, { ...(rule.template !== undefined ? { template: rule.template } : {}) } as EmailRule, new Map())
      return E.right(email !== undefined ? { ...user, email } : user)
    }),
  )
  const failed = placed.find(E.isLeft)
  return failed ?? E.right(placed.map((p) => (p as E.Right<AwsIamUser>).right))
}
