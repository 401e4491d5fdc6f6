/**
 * The credential report behind GenerateCredentialReport and GetCredentialReport: one per account, generated in
 * `reportGenerationMs` of the sandbox's clock, expired (and only then regenerated) once older than four hours,
 * written as IAM writes it: its header, `<root_account>` first, `N/A` / `no_information` / `not_supported`
 * cells, `true`/`false`, and times as `2024-05-01T12:00:00+00:00`.
 */
import type { AwsError } from '../aws-error.js'
import { hashToUnit } from '../rng.js'
import type { AccountState, CredentialReport, UserCredentials, UserEntity } from '../state.js'
import type { XmlObject } from '../xml.js'
import type { Operation, OperationContext } from './operation.js'

/** IAM makes at most one report every four hours; an older one has expired. */
export const REPORT_MAX_AGE_MS = 4 * 60 * 60 * 1000

/** IAM's header, column for column. */
export const CREDENTIAL_REPORT_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
  'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
  'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated'

/** Where an account's report stands at a moment. */
export type ReportStatus =
  | { readonly kind: 'absent' }
  | { readonly kind: 'inProgress' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'ready'; readonly report: CredentialReport }

/** The status of `report` at `now` (epoch ms). */
export function reportStatus(report: CredentialReport | undefined, now: number): ReportStatus {
  if (report === undefined) return { kind: 'absent' }
  if (now < report.readyAt) return { kind: 'inProgress' }
  return now - report.readyAt > REPORT_MAX_AGE_MS ? { kind: 'expired' } : { kind: 'ready', report }
}

/** An IAM operation on the caller's account's report, asked on resource `*`, answering from its status. */
export function reportOperation(action: string, answer: (status: ReportStatus, ctx: OperationContext) => XmlObject | AwsError): Operation {
  return {
    service: 'iam',
    action,
    authorize: () => ({ action: `iam:${action}`, resource: '*' }),
    handle: (ctx) => answer(reportStatus(ctx.state.credentialReports.get(ctx.caller.account), ctx.now.getTime()), ctx),
  }
}

/** Starts generating the caller's account's report (a snapshot of its users now). */
export function startReport(ctx: OperationContext): void {
  const account = ctx.caller.account
  const generation = (ctx.state.credentialReports.get(account)?.generation ?? 0) + 1
  const ms = ctx.faults.reportGenerationMs ?? Math.floor(hashToUnit(`credential-report|${account}|${generation}`) * 200)
  const startedAt = ctx.now.getTime()
  const csv = credentialReportCsv(`arn:${ctx.state.partition}:iam::${account}:root`, ctx.state.accounts.get(account))
  ctx.state.credentialReports.set(account, { generation, startedAt, readyAt: startedAt + ms, csv })
}

const time = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00')
const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)
const NO_KEY = ['false', 'N/A', 'N/A', 'N/A', 'N/A']
const NO_CERTS = ['false', 'N/A', 'false', 'N/A']

/** An access key's five cells; it was created with the user (and an inactive key shows no rotation). */
function accessKeyCells(user: UserEntity, key: UserCredentials['accessKeys'][number] | undefined): ReadonlyArray<string> {
  if (key === undefined) return NO_KEY
  const used = key.lastUsed
  return [String(key.active), key.active ? time(user.CreateDate) : 'N/A', used !== undefined ? time(used.date) : 'N/A', used?.region ?? 'N/A', used?.service ?? 'N/A']
}

function userRow(user: UserEntity): string[] {
  const c = user.credentials
  const password = c.passwordEnabled ? ['true', user.PasswordLastUsed !== undefined ? time(user.PasswordLastUsed) : 'no_information', time(user.CreateDate), 'N/A'] : ['false', 'N/A', 'N/A', 'N/A']
  return [user.UserName, user.Arn, time(user.CreateDate), ...password, String(c.mfaActive), ...accessKeyCells(user, c.accessKeys[0]), ...accessKeyCells(user, c.accessKeys[1]), ...NO_CERTS]
}

/** The report's CSV: the header, the root user (created no later than 2020-01-01), then every user in order. */
export function credentialReportCsv(rootArn: string, account: AccountState | undefined): string {
  const users = account?.users ?? []
  const rootCreated = new Date(users.reduce((min, u) => Math.min(min, u.CreateDate.getTime()), Date.UTC(2020, 0, 1)))
  // The root user: no password fields of its own in the report, MFA on, no access keys.
  const root = ['<root_account>', rootArn, time(rootCreated), 'not_supported', 'no_information', 'not_supported', 'not_supported', 'true', ...NO_KEY, ...NO_KEY, ...NO_CERTS]
  return [CREDENTIAL_REPORT_HEADER, root.join(','), ...users.map((u) => userRow(u).map(cell).join(','))].join('\n')
}
