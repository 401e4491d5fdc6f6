// One account: the green check, the connection test step by step, the last sync and its live progress, a held
// drop to accept, the users, and the settings form.

import { api, eventsSince, on } from '../api.js'
import { greenCheck, h, replace, toast } from '../dom.js'
import { accountForm } from './account-form.js'
import { activityLine, checkSteps, syncOutcome } from './parts.js'
import { usersPanel } from './users.js'

export async function accountView(root, id) {
  let account = await api('GET', `/api/accounts/${id}`)
  const info = await api('GET', `/api/connectors/${encodeURIComponent(account.connector)}`)
  const head = h('div', { class: 'page-head account-head' })
  const connection = h('div', {})
  const activity = h('div', {})
  const outcome = h('div', {})
  const secrets = h('div', {})
  const testButton = h('button', { type: 'button', class: 'button', onclick: () => void test() }, 'Test connection')
  const syncButton = h('button', { type: 'button', class: 'button primary', onclick: () => void sync(false) }, 'Sync now')
  const acceptButton = h('button', { type: 'button', class: 'button warn', onclick: () => void sync(true) }, 'Accept the drop')
  const removeButton = h('button', { type: 'button', class: 'button danger', onclick: () => void remove() }, 'Remove')
  const users = usersPanel(account, info.tile.userFields.map((f) => f.name))
  let lastSyncEnd = account.sync?.finishedAt

  async function test() {
    testButton.disabled = true
    replace(connection, h('p', { class: 'activity' }, h('span', { class: 'spinner' }), 'Testing the connection…'))
    try {
      show(await api('POST', `/api/accounts/${account.id}/check`, {}))
    } catch (error) {
      toast(error.message, 'error')
      show(account)
    } finally {
      testButton.disabled = false
    }
  }

  async function sync(acceptDrop) {
    try {
      const { refused } = await api('POST', '/api/sync', { accounts: [account.id], ...(acceptDrop ? { acceptDrop: true } : {}) })
      if (refused.length > 0) toast(refused[0].message, 'error')
    } catch (error) {
      toast(error.message, 'error')
    }
  }

  async function remove() {
    if (!confirm(`Remove ${account.name}? Its settings go; its outputs and the state of its last sync stay.`)) return
    try {
      await api('DELETE', `/api/accounts/${account.id}`, {})
      location.hash = '#/'
    } catch (error) {
      toast(error.message, 'error')
    }
  }

  function showActivity(current) {
    replace(activity, activityLine(current))
    const busy = current?.phase === 'queued' || current?.phase === 'running'
    syncButton.disabled = busy
    acceptButton.disabled = busy
  }

  function show(next) {
    account = { ...next, activity: next.activity ?? account.activity }
    replace(
      head,
      h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Integrations'), ' › ', h('a', { href: `#/connect/${account.connector}` }, account.connectorName), ' › ', account.name),
      h('h1', { dataset: { healthy: String(account.healthy) } }, account.name, ' ', account.healthy ? greenCheck() : null),
      h('p', { class: 'muted' }, `${account.connectorName} · account `, h('span', { class: 'mono' }, account.accountId), account.healthy ? ' · connected and synced' : account.connected ? ' · connected, not synced completely' : ' · not connected'),
      h('div', { class: 'actions' }, testButton, syncButton, account.sync?.status === 'held' ? acceptButton : null, removeButton),
    )
    replace(connection, checkSteps(account.check))
    replace(outcome, syncOutcome(account.sync))
    replace(secrets, account.secretsHeld ? null : h('p', { class: 'warn' }, `${account.secretPaths.join(', ')} is not stored (sensitive values never are): enter it again under Settings to test or sync.`))
    showActivity(account.activity)
    if (account.sync?.finishedAt !== lastSyncEnd) {
      lastSyncEnd = account.sync?.finishedAt
      users.refresh(account)
    }
  }

  const handlers = {
    account: (next) => next.id === account.id && show(next),
    progress: (p) => {
      if (p.id !== account.id) return
      account.activity = p
      showActivity(p)
    },
    'account-removed': ({ id: removed }) => removed === account.id && (location.hash = '#/'),
  }
  // The page shows the state as of event `seen`: it applies each later event once, in order.
  let seen = account.seq
  const apply = (type, data, seq) => {
    if (seq <= seen) return
    seen = seq
    handlers[type](data)
  }
  const reload = async () => {
    const fresh = await api('GET', `/api/accounts/${account.id}`)
    seen = fresh.seq
    show(fresh)
    for (const e of eventsSince(seen)) if (handlers[e.type] !== undefined) apply(e.type, e.data, e.seq)
  }
  const stops = [on('open', () => void reload()), ...Object.keys(handlers).map((type) => on(type, (data, seq) => apply(type, data, seq)))]

  replace(
    root,
    head,
    secrets,
    h('div', { class: 'account-grid' }, h('section', { class: 'panel connection' }, h('h2', {}, 'Connection'), connection), h('section', { class: 'panel sync-panel' }, h('h2', {}, 'Last sync'), activity, outcome)),
    users.element,
    h('details', { class: 'panel settings' }, h('summary', {}, 'Settings'), accountForm(info, { account, onSaved: (saved) => (show(saved), void test()) })),
  )
  show(account)
  // What happened while the page was being read.
  for (const e of eventsSince(seen)) if (handlers[e.type] !== undefined) apply(e.type, e.data, e.seq)
  return () => stops.forEach((stop) => stop())
}
