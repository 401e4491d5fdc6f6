/**
 * Getting the account's credential report (opt-in: `credentialReport: true`): ask IAM to generate one — it answers
 * at once when a report under four hours old exists — wait while it is generated, then read it. AWS makes at most one
 * report every four hours, so every sync within that window reads the same one.
 */
import { GenerateCredentialReportCommand, GetCredentialReportCommand, type GetCredentialReportCommandOutput } from '@aws-sdk/client-iam'
import { sdkCall } from '@connectors/aws'
import { ConnectorError } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type { AwsIamSession } from './auth.js'
import { parseCredentialReport, type CredentialRow } from './mappers/credential-report.js'

/** How long to wait for a report being generated before giving up (IAM usually takes seconds). */
const MAX_WAIT_MS = 120_000
const REPORT_MAX_AGE_MS = 4 * 60 * 60 * 1000

/** The report's rows by username, or why it could not be had. `sleep` is injectable for tests. */
export async function credentialReport(session: AwsIamSession, now: () => Date, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<E.Either<ConnectorError, ReadonlyMap<string, CredentialRow>>> {
  const started = now().getTime()
  for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
    const generated = await sdkCall(session, 'iam:GenerateCredentialReport', () => session.iam().send(new GenerateCredentialReportCommand({})))()
    if (E.isLeft(generated)) return generated
    if (generated.right.State === 'COMPLETE') {
      const report = await getReport(session)
      if (E.isLeft(report)) return report
      const age = report.right === 'again' ? Infinity : now().getTime() - (report.right.GeneratedTime?.getTime() ?? 0)
      if (report.right !== 'again' && age <= REPORT_MAX_AGE_MS) return parsed(report.right.Content, session)
    }
    if (now().getTime() - started > MAX_WAIT_MS) {
      return E.left(ConnectorError.transient({ connector: session.connector, account: session.accountId, operation: 'iam:GetCredentialReport', detail: `the credential report was not ready after ${MAX_WAIT_MS / 1000} s`, fix: 'sync again in a few minutes; IAM generates the report in the background' }))
    }
    await sleep(wait)
  }
}

/** The SDK's names for ReportInProgress, ReportNotPresent and ReportExpired: a report is being made, or must be. */
const NOT_READY = new Set(['CredentialReportNotReadyException', 'CredentialReportNotPresentException', 'CredentialReportExpiredException'])

/** GetCredentialReport, or `again` when the report is not there to read yet. */
async function getReport(session: AwsIamSession): Promise<E.Either<ConnectorError, GetCredentialReportCommandOutput | 'again'>> {
  try {
    return E.right(await session.iam().send(new GetCredentialReportCommand({})))
  } catch (thrown) {
    return NOT_READY.has((thrown as { name?: string }).name ?? '') ? E.right('again') : E.left(session.translate(thrown, 'iam:GetCredentialReport'))
  }
}

function parsed(content: Uint8Array | undefined, session: AwsIamSession): E.Either<ConnectorError, ReadonlyMap<string, CredentialRow>> {
  try {
    return E.right(parseCredentialReport(Buffer.from(content ?? new Uint8Array()).toString('utf8')))
  } catch (error) {
    return E.left(ConnectorError.upstream({ connector: session.connector, account: session.accountId, operation: 'iam:GetCredentialReport', detail: `the credential report could not be read: ${(error as Error).message}` }))
  }
}

/** The GetCredentialReport probe: a report that is not there yet still proves the permission (the call was authorized). */
export async function reportReadable(session: AwsIamSession): Promise<E.Either<ConnectorError, unknown>> {
  return E.map(() => undefined)(await getReport(session))
}
