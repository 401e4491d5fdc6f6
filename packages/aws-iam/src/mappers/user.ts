/** IAM `ListUsers` entries → canonical users (pure). */
import type { User as IamUser } from '@aws-sdk/client-iam'
import type { User } from '@connectors/core'
import type { EmailRule } from '../config.js'
import { AWS_IAM_LICENSE } from '../manifest.js'
import { accessOf, type CredentialRow } from './credential-report.js'
import { emailFor, type EmailEntries } from './email.js'

/** A canonical user with the IAM fields the connector adds. */
export type AwsIamUser = User & { readonly arn: string; readonly path: string }

/** What mapping needs besides the entry itself. */
export interface UserMappingContext {
  readonly accountId: string
  /** Group names by user id, from the memberships; undefined when they could not be listed (roles unknown). */
  readonly groupsByUserId: ReadonlyMap<string, ReadonlyArray<string>> | undefined
  readonly emailRule: EmailRule | undefined
  /** The explicit entries (the rule's map and map file). */
  readonly emailEntries: EmailEntries
  /** The credential report's rows by username, when the config asked for it. */
  readonly credentials?: ReadonlyMap<string, CredentialRow> | undefined
}

/** Every IAM user holds the one license: one frozen list shared by every record. */
const LICENSES: ReadonlyArray<string> = Object.freeze([AWS_IAM_LICENSE])

/** The later of two ISO-8601 instants (they compare as strings), either possibly absent. */
const later = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined || a >= b ? a : b)

/** Maps one ListUsers entry. Every listed user is `active`; deletion is decided by the runner from complete syncs. */
export function mapUser(u: IamUser, ctx: UserMappingContext): AwsIamUser {
  const username = u.UserName ?? ''
  const id = u.UserId ?? ''
  const email = emailFor(username, ctx.emailRule, ctx.emailEntries)
  const row = ctx.credentials?.get(username)
  const signedIn = u.PasswordLastUsed?.toISOString()
  // The report knows access-key use too: an API-only user is not "never used". ListUsers' sign-in may be newer.
  const lastUsedAt = later(row?.lastUsedAt, signedIn)
  // The optional fields are added in order below: the record's keys keep the order its lines have always had.
  const user = {
    accountId: ctx.accountId,
    id,
    username,
    arn: u.Arn ?? '',
    path: u.Path ?? '/',
    status: 'active',
    externalStatus: row !== undefined ? accessOf(row) : signedIn !== undefined ? 'signed-in' : 'no-sign-in-recorded',
  } as { -readonly [K in keyof AwsIamUser]: AwsIamUser[K] }
  if (ctx.groupsByUserId !== undefined) user.roles = ctx.groupsByUserId.get(id) ?? []
  user.licenses = LICENSES
  if (u.CreateDate !== undefined) user.createdAt = u.CreateDate.toISOString()
  if (lastUsedAt !== undefined) user.lastUsedAt = lastUsedAt
  if (email !== undefined) user.email = email
  return user
}
