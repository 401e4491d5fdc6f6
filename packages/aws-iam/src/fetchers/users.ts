/** The users fetcher: ListUsers pages, each mapped with the user's groups from the memberships. */
import { GenerateCredentialReportCommand, ListUserTagsCommand, ListUsersCommand, paginateListUsers } from '@aws-sdk/client-iam'
import { allowedIfNotFound, checkedListing, sdkCall, sdkPages } from '@connectors/aws'
import { chainStream, groupsByUserId, mapStream, type Fetcher, type Stream, type User } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type { AwsIamSession } from '../auth.js'
import type { AwsIamConfig, EmailRule } from '../config.js'
import { credentialReport, reportReadable } from '../credential-report.js'
import { emailEntries } from '../email-map.js'
import { mapUser, type AwsIamUser } from '../mappers/user.js'
import { IAM, PAGE_SIZE } from './pages.js'
import { withTagEmails } from './user-tags.js'

/** A user name no customer has, for the ListUserTags probe. */
const PROBE_USER = 'connectors-permission-probe'

/** The rule without its template (applied after the tag instead). */
function withoutTemplate(rule: EmailRule | undefined): EmailRule | undefined {
  if (rule === undefined) return undefined
  const { template: _template, ...rest } = rule
  return rest as EmailRule
}


export const usersFetcher: Fetcher<AwsIamSession, 'users', AwsIamConfig> = {
  // Users are the product: they are listed even when GetGroup is denied, with their roles unknown rather than empty.
  uses: ['memberships'],
  probes: {
    'iam:ListUsers': (session) => sdkCall(session, 'iam:ListUsers', () => session.iam().send(new ListUsersCommand({ MaxItems: 1 }))),
    // A user nobody has: NoSuchEntity proves the permission, AccessDenied its absence.
    'iam:ListUserTags': (session) => allowedIfNotFound(sdkCall(session, 'iam:ListUserTags', () => session.iam().send(new ListUserTagsCommand({ UserName: PROBE_USER, MaxItems: 1 })))),
    // Asking for a report is cheap and read-only: IAM answers at once when one under four hours old exists.
    'iam:GenerateCredentialReport': (session) => sdkCall(session, 'iam:GenerateCredentialReport', () => session.iam().send(new GenerateCredentialReportCommand({}))),
    'iam:GetCredentialReport': (session) => () => reportReadable(session),
  },
  fetch: async function* (session, inputs, run, config) {
    const entries = await emailEntries(config.email, run.baseDir, { connector: session.connector, account: session.accountId })
    if (E.isLeft(entries)) return yield entries
    const report = config.credentialReport === true ? await credentialReport(session, run.now) : undefined
    const tag = config.email?.tag
    // With a tag rule, the template waits until the tag was looked at: an explicit tag wins over a pattern.
    const rule = tag !== undefined ? withoutTemplate(config.email) : config.email
    const ctx = { accountId: session.accountId, groupsByUserId: inputs.memberships === undefined ? undefined : groupsByUserId(inputs.memberships), emailRule: rule, emailEntries: entries.right, credentials: report !== undefined && E.isRight(report) ? report.right : undefined }
    const pages = sdkPages(session, 'iam:ListUsers', (marker) => paginateListUsers({ client: session.iam(), pageSize: PAGE_SIZE, startingToken: marker }, {}), IAM)
    const mapped = mapStream(pages, (page): ReadonlyArray<AwsIamUser> => (page.Users ?? []).map((u) => mapUser(u, ctx)))
    const users = tag === undefined || config.email === undefined ? mapped : chainStream(mapped, (page) => withTagEmails(session, page, { ...config.email, tag } as EmailRule & { tag: string }))
    yield* checkedListing(session, 'iam:ListUsers', users as Stream<ReadonlyArray<User>>, { service: IAM.service, kind: 'user', id: (u) => u.id, name: (u) => u.username, validName: /^[\w+=,.@-]{1,64}$/ })
    // Users went out without what the report adds: the listing is not the whole truth, and says why.
    if (report !== undefined && E.isLeft(report)) yield report
  },
}
