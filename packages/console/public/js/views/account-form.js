// An account's settings: its name, the form generated from the connector's config schema, and the usernames to
// keep out of the users file. Saving sends them to the server, which decodes the config with the connector's
// codec; what it refuses comes back one message per field.

import { api } from '../api.js'
import { h, toast } from '../dom.js'
import { createForm } from '../form.js'

const NAME = { type: 'string', title: 'Account name', description: 'How this account is called here, in the report and in its output file names: letters, digits, ".", "_" or "-".', examples: ['acme-prod'] }
const EXCLUDE = { type: 'array', items: { type: 'string' }, title: 'Exclude usernames', description: 'Users kept out of the platform users file (service users), with * and ? wildcards, like svc-*. They are counted as excluded.' }

/**
 * The form for `info` (a connector, as `/api/connectors/:id` gives it). Without `account` it connects a new one,
 * then edits it; `onSaved(account)` follows every save.
 */
export function accountForm(info, { account, onSaved, submitLabel = 'Connect' }) {
  let current = account
  const form = createForm()
  const submit = h('button', { type: 'submit', class: 'button primary' }, current ? 'Save and test again' : submitLabel)
  const element = h(
    'form',
    { class: 'account-form', novalidate: true, dataset: { connector: info.tile.id } },
    form.general,
    form.field('name', 'name', NAME, { required: true, value: current?.name }),
    h('fieldset', { class: 'group config' }, h('legend', {}, `${info.tile.displayName} settings`), info.schema.description ? h('p', { class: 'hint' }, info.schema.description) : null, form.object(info.schema, 'config', current?.config ?? {}, { sensitive: info.sensitive, held: current?.secretsHeld === true, collapse: true })),
    form.field('exclude', 'exclude', EXCLUDE, { value: current?.exclude }),
    h('p', { class: 'required-note' }, h('span', { class: 'required' }, '*'), ' required'),
    h('div', { class: 'actions' }, submit),
  )
  element.addEventListener('submit', async (event) => {
    event.preventDefault()
    form.clearIssues()
    const values = form.read()
    const body = { connector: info.tile.id, name: values.name ?? '', config: values.config ?? {}, ...(values.exclude ? { exclude: values.exclude } : {}) }
    submit.disabled = true
    try {
      current = current ? await api('PUT', `/api/accounts/${current.id}`, body) : await api('POST', '/api/accounts', body)
      submit.textContent = 'Save and test again'
      for (const input of element.querySelectorAll('input[type="password"]')) {
        input.value = ''
        input.placeholder = 'held for this session: leave empty to keep it'
      }
      onSaved(current)
    } catch (error) {
      if (error.issues?.length > 0) form.showIssues(error.issues)
      else toast(error.message, 'error')
    } finally {
      submit.disabled = false
    }
  })
  return element
}
