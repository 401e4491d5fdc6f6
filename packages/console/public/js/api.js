// The page's only ways to the server: JSON requests that carry this page's CSRF token, and the event stream.

const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''

/** An error the server answered with: its message and, for a refused form, one issue per field. */
export class ApiError extends Error {
  constructor(status, message, issues) {
    super(message)
    this.status = status
    this.issues = issues ?? []
  }
}

/** Calls the API; a request that changes something is JSON (an empty object when it has nothing to say). */
export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } }
  if (method !== 'GET') {
    init.headers['content-type'] = 'application/json'
    init.headers['x-csrf-token'] = csrf
    init.body = JSON.stringify(body ?? {})
  }
  const response = await fetch(path, init)
  const data = response.status === 204 ? null : await response.json().catch(() => null)
  if (!response.ok) throw new ApiError(response.status, data?.error ?? `the console answered ${response.status}`, data?.issues)
  return data
}

const listeners = new Map()
/** The last events received, so a view that finished reading the state can apply what came meanwhile. */
const recent = []
const RECENT = 1000

/**
 * Calls `fn(data, seq)` with every `type` event; returns how to stop. `open` fires on every (re)connection.
 * Events are numbered: a view that read the state at number n (the `seq` every read returns) applies only later ones.
 */
export function on(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set())
  listeners.get(type).add(fn)
  return () => listeners.get(type).delete(fn)
}

/** The events received after number `seq`, oldest first. */
export const eventsSince = (seq) => recent.filter((e) => e.seq > seq)

const dispatch = (type, data, seq) => {
  if (seq !== undefined) {
    recent.push({ type, data, seq })
    if (recent.length > RECENT) recent.shift()
  }
  for (const fn of listeners.get(type) ?? []) fn(data, seq)
}

/** Follows the server's events; the browser reconnects by itself, and `open` tells the views to catch up. */
export function follow() {
  const live = document.getElementById('live')
  const source = new EventSource('/api/events')
  source.addEventListener('open', () => {
    // A new connection may be to a restarted console, which numbers its events afresh: the views read the state again.
    recent.length = 0
    live.textContent = 'live'
    live.classList.add('on')
    dispatch('open')
  })
  source.addEventListener('error', () => {
    live.textContent = 'reconnecting…'
    live.classList.remove('on')
  })
  for (const type of ['account', 'account-removed', 'progress', 'job']) source.addEventListener(type, (event) => dispatch(type, JSON.parse(event.data), Number(event.lastEventId)))
}
