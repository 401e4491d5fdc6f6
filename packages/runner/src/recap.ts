/**
 * The summary a sync prints when it ends: healthy units first (collapsed when there are many), then those that
 * need attention — partial, held, interrupted, failed — each with its errors and fixes, so none is lost among
 * hundreds of lines; then the totals.
 */
import { createColors } from 'picocolors'
import type { Envelope, UnitStatus } from './run/envelope.js'
import type { Report } from './run/run.js'

/** Ok units listed one by one up to this many; beyond, one line counts them. */
const OK_LISTED = 20
const ORDER: ReadonlyArray<UnitStatus> = ['ok', 'partial', 'held', 'interrupted', 'failed']

function line(e: Envelope): string {
  const c = e.counts
  return `${e.connector}/${e.unit}${e.accountId !== null ? ` (${e.accountId})` : ''}: ${c.users} users, ${c.groups} groups, ${c.memberships} memberships, ${c.deleted} deleted, ${e.apiCalls} API calls`
}

function notes(e: Envelope): string[] {
  return [
    ...e.errors.map((x) => String(x['message'])),
    ...(e.dropGuard !== undefined ? [`held back: ${Math.round(e.dropGuard.share * 100)}% of users vanished (threshold ${Math.round(e.dropGuard.threshold * 100)}%); rerun with --accept-drop to apply`] : []),
    ...(e.counts.unmatchedEmail > 0 ? [`${e.counts.unmatchedEmail} user(s) left out of the users file for want of an email (${(e.unmatchedEmail ?? []).slice(0, 5).join(', ')}${e.counts.unmatchedEmail > 5 ? ', …' : ''}; all in report.json): ${e.unmatchedEmailFix ?? 'give them an email address'}`] : []),
    ...(e.status === 'interrupted' ? ['interrupted: nothing of this account was applied; sync again to finish it'] : []),
  ]
}

/** The recap of a finished run. */
export function recap(report: Report, out: string, color: boolean): string {
  const paint = createColors(color)
  const tint: Record<UnitStatus, (s: string) => string> = { ok: paint.green, partial: paint.yellow, held: paint.yellow, interrupted: paint.red, failed: paint.red }
  const units = [...report.units].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status))
  const ok = units.filter((e) => e.status === 'ok')
  const rows: string[] = []
  if (ok.length > OK_LISTED) rows.push(`${tint.ok('ok'.padEnd(11))} ${ok.length} accounts, ${ok.reduce((n, e) => n + e.counts.users, 0)} users`)
  for (const e of ok.length > OK_LISTED ? units.filter((u) => u.status !== 'ok') : units) {
    rows.push(`${tint[e.status](e.status.padEnd(11))} ${line(e)}`)
    for (const note of notes(e)) rows.push(`            ${note}`)
  }
  const tally = ORDER.filter((s) => s !== 'ok')
    .map((s) => [s, units.filter((e) => e.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
  const head = `${ok.length}/${units.length} accounts ok${tally.length > 0 ? ` (${tally.join(', ')})` : ''}`
  return `${rows.join('\n')}\n${head} in ${(report.elapsedMs / 1000).toFixed(1)} s; outputs in ${out}\n`
}
