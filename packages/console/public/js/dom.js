// Building the page from data without ever parsing markup: text is always a text node, attributes are set one by
// one (never `style` or an inline handler), so nothing a connector, a customer or an upstream wrote can run here.

/**
 * An element: `h('a', { href: '#/', class: 'x', onclick: fn, dataset: { id: 1 } }, 'text', child, [more])`.
 * Children may be strings, nodes, arrays of them, or null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'dataset') Object.assign(el.dataset, value)
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'style' || key.startsWith('on')) throw new Error(`h(): ${key} is not allowed`)
    else if (value === true) el.setAttribute(key, '')
    else el.setAttribute(key, String(value))
  }
  append(el, children)
  return el
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return el
}

/** Replaces an element's content. */
export function replace(el, ...children) {
  el.replaceChildren()
  return append(el, children)
}

/** Copies `text`; the clipboard API needs a secure context (loopback is one), else the selection is copied. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const area = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' }, text)
    document.body.append(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    return ok
  }
}

/** A button that copies what `text()` returns, and says so. */
export function copyButton(text, label = 'Copy') {
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': label === 'Copy' ? 'Copy to clipboard' : label }, label)
  button.addEventListener('click', async () => {
    const ok = await copyText(typeof text === 'function' ? text() : text)
    button.textContent = ok ? 'Copied ✓' : 'Select and copy'
    setTimeout(() => (button.textContent = label), 1500)
  })
  return button
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

/** "3 minutes ago", with the exact time as its title. */
export function timeAgo(iso) {
  if (!iso) return h('span', { class: 'muted' }, 'never')
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000)
  const [value, unit] = Math.abs(seconds) < 60 ? [seconds, 'second'] : Math.abs(seconds) < 3600 ? [Math.round(seconds / 60), 'minute'] : Math.abs(seconds) < 86400 ? [Math.round(seconds / 3600), 'hour'] : [Math.round(seconds / 86400), 'day']
  return h('time', { datetime: iso, title: new Date(iso).toLocaleString() }, relative.format(value, unit))
}

/** A short date, or "never". */
export const shortDate = (iso) => (iso ? h('time', { datetime: iso, title: new Date(iso).toLocaleString() }, new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })) : h('span', { class: 'muted' }, 'never'))

/** Shows a short message at the bottom of the page. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toast')
  const item = h('p', { class: `toast ${kind}` }, message)
  box.append(item)
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000)
}

/** The status badge of a sync: ok | partial | held | failed | interrupted. */
export const statusBadge = (status) => h('span', { class: `badge status-${status}`, dataset: { syncStatus: status } }, status)

/** The green check: an account connected whose last sync was complete. */
export const greenCheck = () => h('span', { class: 'green-check', role: 'img', 'aria-label': 'connected and synced', title: 'Connected, and the last sync was complete' }, '✓')
