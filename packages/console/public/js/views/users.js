// An account's users, as the state of its last complete sync holds them: searchable (username, name, email, role),
// filtered by status, paged; and the platform users file to download. The columns are the ones the connector's
// manifest says its users carry: a name only where the upstream keeps one, a last use only where it tells one.

import { api } from '../api.js'
import { h, replace, shortDate } from '../dom.js'

const SIZE = 25

/** The optional columns, each with the user fields (manifest names) that make it worth showing, and its cell. */
const OPTIONAL = {
  name: { key: 'name', fields: ['DisplayName', 'FirstName', 'LastName'], title: 'Name', cell: (u) => u.name ?? h('span', { class: 'muted' }, '–') },
  lastUsed: { key: 'last-used', fields: ['LastUsedAt'], title: 'Last used', cell: (u) => shortDate(u.lastUsedAt) },
}

/** `userFields`: the names of the user fields the account's connector declares. */
export function usersPanel(account, userFields) {
  const has = (column) => OPTIONAL[column].fields.some((f) => userFields.includes(f))
  const columns = [
    { key: 'username', title: 'Username', cell: (u) => u.username },
    ...(has('name') ? [OPTIONAL.name] : []),
    { key: 'email', title: 'Email', cell: (u) => u.email ?? h('span', { class: 'muted' }, 'no email') },
    { key: 'status', title: 'Status', cell: (u) => [h('span', { class: `badge user-${u.status}` }, u.status), u.externalStatus && u.externalStatus !== u.status ? h('span', { class: 'muted' }, ` ${u.externalStatus}`) : null] },
    { key: 'roles', title: 'Roles', cell: (u) => (u.roles === undefined ? h('span', { class: 'muted', title: 'The group listing failed: roles are unknown' }, 'unknown') : u.roles.length === 0 ? h('span', { class: 'muted' }, 'none') : u.roles.join(', ')) },
    ...(has('lastUsed') ? [OPTIONAL.lastUsed] : []),
  ]
  let query = { q: '', status: '', page: 1 }
  let timer
  const body = h('tbody', {})
  const summary = h('p', { class: 'pager-summary' })
  const previous = h('button', { type: 'button', class: 'button small', onclick: () => go(query.page - 1) }, '‹ Previous')
  const next = h('button', { type: 'button', class: 'button small', onclick: () => go(query.page + 1) }, 'Next ›')
  const search = h('input', { type: 'search', name: 'q', placeholder: `Search username, ${has('name') ? 'name, ' : ''}email or role`, 'aria-label': 'Search users', autocomplete: 'off' })
  const status = h('select', { name: 'status', 'aria-label': 'Status' }, h('option', { value: '' }, 'Any status'), h('option', { value: 'active' }, 'active'), h('option', { value: 'deleted' }, 'deleted'))
  const download = h('a', { class: 'button small', href: `/api/accounts/${account.id}/users-file`, download: `${account.name}.json` }, 'Download users file')
  const note = h('p', { class: 'muted' })

  search.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(() => go(1, { q: search.value }), 200)
  })
  status.addEventListener('change', () => go(1, { status: status.value }))

  function go(page, change = {}) {
    query = { ...query, ...change, page }
    void load()
  }

  async function load() {
    const asked = query
    const params = new URLSearchParams({ page: String(asked.page), size: String(SIZE) })
    if (asked.q.trim() !== '') params.set('q', asked.q.trim())
    if (asked.status !== '') params.set('status', asked.status)
    const page = await api('GET', `/api/accounts/${account.id}/users?${params}`)
    if (asked !== query) return // a newer search was asked for meanwhile
    replace(
      body,
      page.users.length === 0 ? h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, page.all === 0 ? 'No users yet: they appear after a complete sync.' : 'No user matches.')) : null,
      page.users.map((u) => h('tr', { dataset: { user: u.username } }, columns.map((c) => h('td', { dataset: { column: c.key } }, c.cell(u))))),
    )
    const first = page.total === 0 ? 0 : (page.page - 1) * page.size + 1
    replace(summary, `${first}–${Math.min(page.total, page.page * page.size)} of ${page.total}${page.total !== page.all ? ` (of ${page.all} users)` : ' users'}`)
    summary.dataset.total = String(page.total)
    previous.disabled = page.page <= 1
    next.disabled = page.page * page.size >= page.total
  }

  const element = h(
    'section',
    { class: 'panel users' },
    h('div', { class: 'section-head' }, h('h2', {}, 'Users'), download),
    note,
    h('div', { class: 'filters' }, search, status),
    h('table', { class: 'users-table' }, h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.title)))), body),
    h('div', { class: 'pager' }, summary, previous, next),
  )

  /** Shows what the account's last sync means for this list, and reads it again. */
  function refresh(current) {
    download.hidden = !current.usersFile
    replace(note, current.sync === null ? 'Sync the account to see its users.' : current.sync.status === 'ok' ? '' : `The last sync was ${current.sync.status}: this list is the last complete sync's.`)
    void load()
  }
  refresh(account)
  return { element, refresh }
}
