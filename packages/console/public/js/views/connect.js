// The Connect page of one connector: its setup steps and documents (rendered from the manifest, with this
// installation's organization id and principal filled in, each block with a copy button), and the form. Connecting
// stores the account and tests the connection at once, step by step.

import { api } from '../api.js'
import { copyButton, h, replace, toast } from '../dom.js'
import { renderMarkdown } from '../markdown.js'
import { accountForm } from './account-form.js'
import { checkSteps } from './parts.js'

function identity(platform) {
  const row = (label, value, flag) => h('div', {}, h('span', { class: 'label' }, label), value ? [h('code', {}, value), copyButton(value)] : h('span', { class: 'warn' }, `not set: the documents keep a placeholder (start the console with ${flag})`))
  return h('div', { class: 'identity' }, row('Organization id (the ExternalId)', platform.organizationId, '--org'), row('Platform principal', platform.principalArn, '--principal'))
}

function setupDocs(info) {
  const files = new Set(info.setup.map((d) => d.file))
  const link = (file) => (files.has(file) ? `/api/connectors/${encodeURIComponent(info.tile.id)}/setup-file?file=${encodeURIComponent(file)}` : undefined)
  const readme = info.setup.find((d) => d.file === 'README.md')
  if (readme === undefined) return h('p', { class: 'muted' }, `${info.tile.displayName} has no setup kit: fill in the form.`)
  return h('div', {}, renderMarkdown(readme.content, link), h('h4', {}, 'Download'), h('ul', { class: 'files' }, info.setup.map((d) => h('li', {}, h('a', { href: link(d.file), download: d.file.split('/').pop() }, d.file)))))
}

export async function connectView(root, connectorId) {
  const info = await api('GET', `/api/connectors/${encodeURIComponent(connectorId)}`)
  const result = h('div', { class: 'check-result', 'aria-live': 'polite' })

  async function test(account) {
    replace(result, h('h3', {}, 'Testing the connection'), h('p', { class: 'activity' }, h('span', { class: 'spinner' }), `Checking ${account.name}…`))
    try {
      const checked = await api('POST', `/api/accounts/${account.id}/check`, {})
      const sync = h('button', { type: 'button', class: 'button', onclick: () => void syncNow(checked) }, 'Sync now')
      replace(result, h('h3', {}, 'Connection test'), checkSteps(checked.check), h('div', { class: 'actions' }, h('a', { class: 'button primary', href: `#/accounts/${checked.id}` }, 'Open the account'), sync))
      result.scrollIntoView({ block: 'nearest' })
    } catch (error) {
      replace(result, h('p', { class: 'failed' }, error.message))
    }
  }

  async function syncNow(account) {
    try {
      await api('POST', '/api/sync', { accounts: [account.id] })
      location.hash = `#/accounts/${account.id}`
    } catch (error) {
      toast(error.message, 'error')
    }
  }

  replace(
    root,
    h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Integrations'), ' › ', info.tile.displayName),
    h('div', { class: 'page-head' }, h('h1', {}, `Connect ${info.tile.displayName}`), h('p', { class: 'muted' }, `Required permissions: ${info.tile.requiredPermissions.join(', ')}. The connection test checks each one.`)),
    h(
      'div',
      { class: 'connect' },
      h('section', { class: 'panel setup' }, h('h2', {}, 'Set it up'), identity(info.platform), setupDocs(info)),
      h('section', { class: 'panel form-panel' }, h('h2', {}, 'Connect an account'), result, accountForm(info, { onSaved: (account) => void test(account) })),
    ),
  )
  return () => {}
}
