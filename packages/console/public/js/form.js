// A form generated from a JSON Schema (the connector's config schema, derived from its codec): one field per
// property, required ones marked, descriptions, examples, patterns and bounds shown, sensitive (writeOnly) values
// masked and never filled in. The browser does not validate: the server decodes with the connector's codec and
// its messages — the CLI's — are shown under the fields they are about.

import { h, replace } from './dom.js'

const ACRONYMS = { arn: 'ARN', id: 'ID', iam: 'IAM', sts: 'STS', url: 'URL', api: 'API', sso: 'SSO', ms: '(ms)', mfa: 'MFA' }

/** `roleArn` → "Role ARN", `requestTimeoutMs` → "Request timeout (ms)". */
export function labelOf(key, schema) {
  if (typeof schema?.title === 'string') return schema.title
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((word, i) => ACRONYMS[word.toLowerCase()] ?? (i === 0 ? word[0].toUpperCase() + word.slice(1) : word.toLowerCase()))
    .join(' ')
}

const idOf = (path) => `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`
const isMap = (s) => s.type === 'object' && s.properties === undefined && typeof s.additionalProperties === 'object'
const isStringList = (s) => s.type === 'array' && s.items?.type === 'string'

/** What a field's hints say: description, example, format, bounds. */
function hints(schema, sensitive) {
  const lines = []
  if (schema.description) lines.push(h('span', { class: 'description' }, schema.description))
  if (Array.isArray(schema.examples) && schema.examples.length > 0) lines.push(h('span', { class: 'example' }, 'e.g. ', h('code', {}, String(schema.examples[0]))))
  if (schema.minimum !== undefined && schema.maximum !== undefined) lines.push(h('span', {}, `from ${schema.minimum} to ${schema.maximum}`))
  if (schema.minLength !== undefined || schema.maxLength !== undefined) lines.push(h('span', {}, `${schema.minLength ?? 0}–${schema.maxLength ?? '…'} characters`))
  if (schema.pattern) lines.push(h('span', { class: 'pattern' }, 'format ', h('code', {}, schema.pattern)))
  if (isMap(schema)) lines.push(h('span', {}, 'one ', h('code', {}, 'key = value'), ' a line'))
  if (isStringList(schema)) lines.push(h('span', {}, 'one a line'))
  if (sensitive) lines.push(h('span', { class: 'sensitive-note' }, 'Sensitive: used for this session only — never stored, logged or shown again.'))
  return lines
}

/** Reads one input as the value to send, or undefined to leave the key out. */
function valueOf(field) {
  const { input, schema, kind } = field
  if (kind === 'boolean') return input.checked ? true : undefined
  const text = input.value
  if (text.trim() === '') return undefined
  if (kind === 'number') return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : text
  if (kind === 'list') return text.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  if (kind === 'map') {
    const entries = text.split('\n').filter((l) => l.trim() !== '').map((l) => (l.includes('=') ? [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()] : [l.trim(), '']))
    return Object.fromEntries(entries)
  }
  if (kind === 'json') {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return schema.type === 'string' ? text : text.trim()
}

/** A form of fields for one or more schemas, with one place for issues per field. */
export function createForm() {
  const fields = new Map()
  const general = h('div', { class: 'form-errors', role: 'alert', hidden: true })

  /** One field for `schema` at `path` (dotted, like the codec's paths), with `value` filled in unless sensitive. */
  function field(path, key, schema, { required = false, value, sensitive = false, held = false } = {}) {
    const id = idOf(path)
    const kind = schema.type === 'boolean' ? 'boolean' : schema.type === 'integer' || schema.type === 'number' ? 'number' : isMap(schema) ? 'map' : isStringList(schema) ? 'list' : schema.type === 'string' || schema.type === undefined ? (Array.isArray(schema.enum) ? 'enum' : 'text') : 'json'
    const masked = sensitive || schema.writeOnly === true
    const describedBy = `${id}-hint ${id}-error`
    const common = { id, name: path, 'aria-describedby': describedBy, 'aria-required': required ? 'true' : undefined }
    let input
    if (kind === 'boolean') input = h('input', { ...common, type: 'checkbox', checked: value === true })
    else if (kind === 'enum') input = h('select', common, h('option', { value: '' }, required ? 'Choose…' : '(default)'), schema.enum.map((v) => h('option', { value: String(v), selected: value === v }, String(v))))
    else if (kind === 'map' || kind === 'list' || kind === 'json') {
      const text = value === undefined ? '' : kind === 'map' ? Object.entries(value).map(([k, v]) => `${k} = ${v}`).join('\n') : kind === 'list' ? value.join('\n') : JSON.stringify(value, null, 2)
      input = h('textarea', { ...common, rows: 3, spellcheck: 'false' }, text)
    } else {
      const placeholder = masked ? (held ? 'held for this session: leave empty to keep it' : 'not stored: enter it to use it') : Array.isArray(schema.examples) ? String(schema.examples[0]) : undefined
      input = h('input', { ...common, type: masked ? 'password' : 'text', inputmode: kind === 'number' ? 'numeric' : undefined, autocomplete: masked ? 'new-password' : 'off', spellcheck: 'false', placeholder, value: masked || value === undefined ? undefined : String(value) })
    }
    const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true })
    const label = h('label', { for: id }, labelOf(key, schema), required ? h('span', { class: 'required', title: 'required' }, ' *') : null, masked ? h('span', { class: 'tag' }, 'sensitive') : null)
    const wrapper = h('div', { class: `field field-${kind}`, dataset: { path } }, kind === 'boolean' ? h('div', { class: 'check-row' }, input, label) : [label, input], h('p', { class: 'hint', id: `${id}-hint` }, hints(schema, masked)), error)
    fields.set(path, { input, schema, kind, error, wrapper })
    return wrapper
  }

  /**
   * The fields of an object schema under `prefix`; nested objects become fieldsets. With `collapse`, the optional
   * ones wait behind a "More settings" disclosure (open when one of them has a value).
   */
  function object(schema, prefix, values = {}, options = {}) {
    const required = new Set(schema.required ?? [])
    const keys = Object.keys(schema.properties ?? {}).sort((a, b) => Number(required.has(b)) - Number(required.has(a)))
    const rendered = keys.map((key) => {
      const sub = schema.properties[key]
      const path = prefix === '' ? key : `${prefix}.${key}`
      const value = values?.[key]
      if (sub.type === 'object' && sub.properties !== undefined) {
        return h('fieldset', { class: 'group', dataset: { path } }, h('legend', {}, labelOf(key, sub)), sub.description ? h('p', { class: 'hint' }, sub.description) : null, object(sub, path, value ?? {}, { ...options, collapse: false }))
      }
      const sensitive = options.sensitive?.includes(key) ?? false
      return field(path, key, sub, { required: required.has(key), value, sensitive, held: sensitive && options.held === true })
    })
    if (options.collapse !== true) return rendered
    const optional = keys.filter((k) => !required.has(k))
    if (optional.length === 0) return rendered
    const more = h('details', { class: 'more', open: optional.some((k) => values?.[k] !== undefined) }, h('summary', {}, `More settings (${optional.map((k) => labelOf(k, schema.properties[k]).toLowerCase()).join(', ')})`), rendered.slice(keys.length - optional.length))
    return [...rendered.slice(0, keys.length - optional.length), more]
  }

  /** The value of every field, nested by path; empty fields and empty objects are left out. */
  function read() {
    const result = {}
    for (const [path, f] of fields) {
      const value = valueOf(f)
      if (value === undefined) continue
      const keys = path.split('.')
      let at = result
      for (const key of keys.slice(0, -1)) at = at[key] ??= {}
      at[keys[keys.length - 1]] = value
    }
    return result
  }

  /** Shows the server's issues: each under the field it is about (the nearest one up its path), the rest on top. */
  function showIssues(issues) {
    clearIssues()
    const byField = new Map()
    const rest = []
    const paths = [...fields.keys()].sort((a, b) => b.length - a.length)
    for (const issue of issues) {
      const at = paths.find((p) => issue.path === p || issue.path.startsWith(`${p}.`) || issue.path.startsWith(`${p}[`))
      if (at === undefined) rest.push(issue.path === '' || issue.path === 'config' ? issue.message : `${issue.path}: ${issue.message}`)
      else byField.set(at, [...(byField.get(at) ?? []), issue.path === at ? issue.message : `${issue.path.slice(at.length).replace(/^\./, '')}: ${issue.message}`])
    }
    for (const [path, messages] of byField) {
      const f = fields.get(path)
      for (let at = f.wrapper.closest('details'); at !== null; at = at.parentElement?.closest('details') ?? null) at.open = true
      replace(f.error, messages.join('; '))
      f.error.hidden = false
      f.input.setAttribute('aria-invalid', 'true')
      f.wrapper.classList.add('invalid')
    }
    if (rest.length > 0) {
      replace(general, rest.map((m) => h('p', {}, m)))
      general.hidden = false
    }
    const first = [...byField.keys()][0]
    if (first !== undefined) fields.get(first).input.focus()
  }

  function clearIssues() {
    general.hidden = true
    general.replaceChildren()
    for (const f of fields.values()) {
      f.error.hidden = true
      f.error.replaceChildren()
      f.input.removeAttribute('aria-invalid')
      f.wrapper.classList.remove('invalid')
    }
  }

  return { field, object, read, showIssues, clearIssues, general }
}
