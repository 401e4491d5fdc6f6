/**
 * The body of the state store's worker thread: loads the store's code, opens the store at its first call (`open`),
 * and answers `{ id, method, args }` messages with `{ id, result }` or `{ id, error }`, in the order they came. A
 * thread can so be started ahead of knowing which store it will open.
 */
import { parentPort } from 'node:worker_threads'
import { StateStore, type Staging } from './state.js'

const port = parentPort
if (port === null) throw new Error('state-worker-main runs in a worker thread')
let store: StateStore | undefined
/** The file `store` was opened at: a thread serves one store, and a call to open another is refused. */
let openedAt: string | undefined

/** The store's methods a caller may reach, passed through as they are. */
const DELEGATED = new Set<keyof StateStore>(['beginStaging', 'compare', 'vanishedPage', 'retainedPage', 'commitStaging', 'discardStaging', 'record', 'snapshot', 'departed', 'history', 'runResults'])

function call(method: string, args: unknown[]): unknown {
  if (method === 'open') {
    const path = args[0] as string
    if (openedAt !== undefined && openedAt !== path) throw new Error(`this thread already serves the store at ${openedAt}`)
    store ??= new StateStore(path)
    openedAt = path
    return true
  }
  if (method === 'close') return store?.close()
  if (store === undefined) throw new Error('the state store is not open')
  if (method === 'stagePacked') {
    // Two strings cross the thread boundary far cheaper than a thousand small objects (see the client's `stage`).
    const [staging, ids, records] = args as [Staging, string, string]
    const lines = records.split('\n')
    return store.stage(staging, (JSON.parse(ids) as string[]).map((id, i) => ({ id, record: lines[i] as string })))
  }
  if (!DELEGATED.has(method as keyof StateStore)) throw new Error(`the state store has no method ${method}`)
  return (store[method as keyof StateStore] as (...a: unknown[]) => unknown).apply(store, args)
}

port.on('message', (message: { id: number; method: string; args: unknown[] }) => {
  try {
    port.postMessage({ id: message.id, result: call(message.method, message.args) })
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) })
  }
})
