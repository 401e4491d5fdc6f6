// Pieces the pages share: the connection check's steps, a sync's outcome and progress, an error with its fix.

import { h, statusBadge, timeAgo } from '../dom.js'

/** An error as the runner reports it: what happened, and what to do about it. */
export function errorBox(error) {
  return h(
    'div',
    { class: 'error-box' },
    h('p', { class: 'reason' }, h('strong', {}, error.reason ?? 'Error'), error.operation ? ` in ${error.operation}` : '', error.permission ? ` (missing ${error.permission})` : '', ': ', error.detail ?? error.message ?? ''),
    Array.isArray(error.issues) && error.issues.length > 0 ? h('ul', { class: 'issues' }, error.issues.map((i) => h('li', {}, i))) : null,
    error.fix ? h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), error.fix) : null,
  )
}

const MARK = { ok: '✓', failed: '✗', skipped: '–' }

/** The connection check, step by step: config → authentication → one step per permission. */
export function checkSteps(check) {
  if (check === null) return h('p', { class: 'muted' }, 'Not tested yet.')
  return h(
    'div',
    { class: 'check' },
    h('p', { class: `check-summary ${check.ok ? 'ok' : 'failed'}`, dataset: { checkOk: String(check.ok) } }, check.ok ? 'Connected: every step passed' : 'Not connected: a step failed', ' · tested ', timeAgo(check.checkedAt)),
    h(
      'ol',
      { class: 'steps' },
      check.steps.map((s) => h('li', { class: `step step-${s.status}`, dataset: { step: s.step, status: s.status } }, h('span', { class: 'mark', 'aria-label': s.status }, MARK[s.status] ?? '?'), h('span', { class: 'step-name' }, s.step), s.status === 'skipped' ? h('span', { class: 'muted' }, 'skipped: an earlier step failed') : null, s.error ? errorBox(s.error) : null)),
    ),
  )
}

const COUNTS = [
  ['users', 'users'],
  ['groups', 'groups'],
  ['memberships', 'memberships'],
  ['deleted', 'deleted'],
  ['excluded', 'excluded'],
  ['unmatchedEmail', 'without email'],
]

/** Where a sync stands right now (queued, running with users so far, refused), or nothing. */
export function activityLine(activity) {
  if (!activity) return null
  if (activity.phase === 'queued') return h('p', { class: 'activity', dataset: { phase: 'queued' } }, h('span', { class: 'spinner' }), 'Queued: waits for the running sync')
  if (activity.phase === 'running') return h('p', { class: 'activity', dataset: { phase: 'running' } }, h('span', { class: 'spinner' }), `Syncing… ${activity.users ?? 0} users listed`)
  if (activity.phase === 'refused') return h('p', { class: 'activity refused', dataset: { phase: 'refused' } }, 'Sync not run: ', activity.message)
  return null
}

/** The last sync: status, time, counts, and for anything but ok, why and what to do. */
export function syncOutcome(sync) {
  if (sync === null) return h('p', { class: 'muted', dataset: { syncStatus: 'none' } }, 'Never synced.')
  return h(
    'div',
    { class: 'sync' },
    h('p', { class: 'sync-head' }, statusBadge(sync.status), ' finished ', timeAgo(sync.finishedAt), `, in ${(sync.elapsedMs / 1000).toFixed(1)} s · ${sync.apiCalls} API calls`),
    h('dl', { class: 'counts' }, COUNTS.map(([key, label]) => h('div', { dataset: { count: key } }, h('dt', {}, label), h('dd', {}, String(sync.counts[key] ?? 0))))),
    sync.status === 'held' && sync.dropGuard ? h('p', { class: 'held' }, `Held back: this sync lists ${sync.dropGuard.current} users where the last complete one listed ${sync.dropGuard.previous} — a drop of ${Math.round(sync.dropGuard.share * 100)} %, over the ${Math.round(sync.dropGuard.threshold * 100)} % allowed. Nobody was deleted. Accept it if the users really left.`) : null,
    sync.status === 'partial' ? h('p', { class: 'muted' }, 'Partial: nobody was deleted and no users file was written; the reason and its fix follow.') : null,
    unmatchedEmail(sync),
    sync.errors.map(errorBox),
  )
}

/**
 * The users the platform users file left out for want of an email, by name, with the connector's own advice (where
 * its upstream keeps emails): the page adds no wording of its own about where emails come from.
 */
function unmatchedEmail(sync) {
  const total = sync.counts.unmatchedEmail ?? 0
  const names = sync.unmatchedEmail ?? []
  if (total === 0) return null
  const more = total - names.length
  return h(
    'div',
    { class: 'unmatched-email', dataset: { count: String(total) } },
    h('p', {}, `${total} user${total === 1 ? '' : 's'} left out of the users file for want of an email`, names.length > 0 ? [': ', h('span', { class: 'names' }, names.join(', ')), more > 0 ? `, and ${more} more` : ''] : '', '.'),
    sync.unmatchedEmailFix ? h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), sync.unmatchedEmailFix) : null,
  )
}
