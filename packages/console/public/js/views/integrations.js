// The Integrations page: a tile per installed connector (from its manifest) and every connected account with its
// connection, last sync and the green check, updated live.

import { api, eventsSince, on } from '../api.js'
import { copyButton, greenCheck, h, replace, statusBadge, timeAgo, toast } from '../dom.js'
import { activityLine } from './parts.js'

const chips = (items, cls = 'chip') => h('span', { class: 'chips' }, items.map((i) => h('span', { class: cls }, i)))

function tile(c) {
  return h(
    'article',
    { class: 'tile', dataset: { connector: c.id } },
    h('header', {}, h('h3', {}, c.displayName), h('span', { class: 'version' }, `v${c.version}`)),
    h('p', { class: 'tile-count' }, c.accounts === 0 ? 'No account connected' : `${c.accounts} account${c.accounts === 1 ? '' : 's'} connected`),
    h(
      'dl',
      {},
      h('dt', {}, 'User fields'),
      h('dd', {}, chips(c.userFields.map((f) => f.name))),
      h('dt', {}, 'License types'),
      h('dd', {}, chips(c.licenseTypes)),
      h('dt', {}, 'Required permissions'),
      h('dd', {}, chips(c.requiredPermissions, 'chip code')),
      h('dt', {}, 'Optional permissions'),
      h('dd', {}, c.optionalPermissions.length === 0 ? '–' : h('span', { class: 'chips' }, c.optionalPermissions.map((p) => h('span', { class: 'chip code', title: p.description }, p.permission, h('span', { class: 'feature' }, p.feature))))),
      h('dt', {}, 'Entities'),
      h('dd', {}, chips(c.entities)),
    ),
    h('a', { class: 'button primary', href: `#/connect/${c.id}` }, 'Connect an account'),
  )
}

function row(a) {
  return h(
    'tr',
    { dataset: { account: a.name, id: String(a.id), healthy: String(a.healthy) } },
    h('td', {}, h('a', { href: `#/accounts/${a.id}` }, a.name)),
    h('td', {}, a.connectorName),
    h('td', { class: 'mono' }, a.accountId),
    h('td', {}, a.check === null ? h('span', { class: 'muted' }, 'not tested') : a.connected ? h('span', { class: 'ok' }, '✓ connected') : h('span', { class: 'failed' }, `✗ ${a.check.steps.find((s) => s.status === 'failed')?.step ?? 'failed'}`)),
    h('td', {}, activityLine(a.activity) ?? (a.sync === null ? h('span', { class: 'muted' }, 'never') : h('span', {}, statusBadge(a.sync.status), ' ', timeAgo(a.sync.finishedAt)))),
    h('td', { class: 'num' }, a.sync === null ? '–' : String(a.sync.counts.users)),
    h('td', { class: 'health' }, a.healthy ? greenCheck() : null),
  )
}

export function integrationsView(root) {
  let overview
  const tiles = h('div', { class: 'tiles' })
  const body = h('tbody', {})
  const empty = h('p', { class: 'muted empty' }, 'No account yet: connect one from a tile above.')
  const syncAll = h('button', { type: 'button', class: 'button', onclick: () => void sync() }, 'Sync all')
  const identity = h('div', { class: 'identity' })

  async function sync() {
    try {
      const { queued, refused } = await api('POST', '/api/sync', {})
      toast(`${queued.length} account${queued.length === 1 ? '' : 's'} queued${refused.length > 0 ? `, ${refused.length} not run` : ''}`)
    } catch (error) {
      toast(error.message, 'error')
    }
  }

  function draw() {
    replace(tiles, overview.connectors.map(tile))
    replace(body, overview.accounts.map(row))
    empty.hidden = overview.accounts.length > 0
    syncAll.disabled = overview.accounts.length === 0
    const { organizationId, principalArn } = overview.platform
    replace(
      identity,
      h('div', {}, h('span', { class: 'label' }, 'Organization id'), organizationId ? [h('code', {}, organizationId), copyButton(organizationId)] : h('span', { class: 'warn' }, 'not set (start the console with --org)')),
      h('div', {}, h('span', { class: 'label' }, 'Platform principal'), principalArn ? [h('code', {}, principalArn), copyButton(principalArn)] : h('span', { class: 'warn' }, 'not set (start the console with --principal)')),
    )
  }

  const handlers = {
    account: (account) => {
      const i = overview.accounts.findIndex((a) => a.id === account.id)
      if (i < 0) return void load()
      overview.accounts[i] = { ...account, activity: overview.accounts[i].activity }
    },
    'account-removed': () => void load(),
    progress: (activity) => {
      const a = overview.accounts.find((x) => x.id === activity.id)
      if (a !== undefined) a.activity = activity
    },
  }
  // An event is applied once, and only when it is newer than what the page shows.
  const apply = (type, data, seq) => {
    if (overview === undefined || seq <= overview.seq) return
    overview.seq = seq
    handlers[type](data)
    draw()
  }

  async function load() {
    overview = await api('GET', '/api/overview')
    for (const e of eventsSince(overview.seq)) if (handlers[e.type] !== undefined) apply(e.type, e.data, e.seq)
    draw()
  }

  const stops = [on('open', () => void load()), ...Object.keys(handlers).map((type) => on(type, (data, seq) => apply(type, data, seq)))]

  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Integrations'), h('p', { class: 'muted' }, 'Connect an application, follow its setup steps, and see each account’s users once it is synced.')),
    identity,
    h('h2', {}, 'Available integrations'),
    tiles,
    h('div', { class: 'section-head' }, h('h2', {}, 'Connected accounts'), syncAll),
    h('table', { class: 'accounts' }, h('thead', {}, h('tr', {}, ['Account', 'Integration', 'Upstream account', 'Connection', 'Last sync', 'Users', ''].map((t) => h('th', {}, t)))), body),
    empty,
  )
  load().catch((error) => toast(error.message, 'error'))
  return () => stops.forEach((stop) => stop())
}
