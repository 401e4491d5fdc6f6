import { AwsErrors } from '../aws-error.js'
import { reportOperation } from './credential-report.js'

/**
 * `iam:GetCredentialReport` — the base64 CSV once generated; else 410 `ReportNotPresent`, 404
 * `ReportInProgress` while generating, 410 `ReportExpired` once older than four hours.
 */
export const getCredentialReport = reportOperation('GetCredentialReport', (status) => {
  if (status.kind === 'absent') return AwsErrors.reportNotPresent()
  if (status.kind === 'inProgress') return AwsErrors.reportInProgress()
  if (status.kind === 'expired') return AwsErrors.reportExpired()
  return { Content: Buffer.from(status.report.csv, 'utf8').toString('base64'), ReportFormat: 'text/csv', GeneratedTime: new Date(status.report.readyAt) }
})
