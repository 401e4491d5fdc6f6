import { reportOperation, startReport } from './credential-report.js'

/**
 * `iam:GenerateCredentialReport` — starts a report when there is none or it is older than four hours (STARTED,
 * with IAM's description), else answers INPROGRESS while it is generated and COMPLETE once it is ready.
 */
export const generateCredentialReport = reportOperation('GenerateCredentialReport', (status, ctx) => {
  if (status.kind === 'inProgress') return { State: 'INPROGRESS' }
  if (status.kind === 'ready') return { State: 'COMPLETE' }
  startReport(ctx)
  return { Description: 'No report exists. Starting a new report generation task', State: 'STARTED' }
})
