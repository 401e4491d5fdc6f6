/**
 * The body of the state store's worker thread: opens the store and answers `{ id, method, args }` messages with
 * `{ id, result }` or `{ id, error }`, in the order they came.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { StateStore, type Staging } from './state.js'

const port = parentPort
if (port === null) throw new Error('state-worker-main runs in a worker thread')
const store = new StateStore((workerData as { path: string }).path)
const methods = {
  ready: () => true,
  beginStaging: store.beginStaging.bind(store),
  stagePacked: (staging: Staging, ids: string, records: string) => {
    const lines = records.split('\n')
    store.stage(staging, (JSON.parse(ids) as string[]).map((id, i) => ({ id, record: lines[i] as string })))
  },
  compare: store.compare.bind(store),
  vanishedPage: store.vanishedPage.bind(store),
  retainedPage: store.retainedPage.bind(store),
  commitStaging: store.commitStaging.bind(store),
  discardStaging: store.discardStaging.bind(store),
  record: store.record.bind(store),
  snapshot: store.snapshot.bind(store),
  departed: store.departed.bind(store),
  history: store.history.bind(store),
  runResults: store.runResults.bind(store),
  close: store.close.bind(store),
} as const satisfies Record<string, (...args: never[]) => unknown>

port.on('message', (message: { id: number; method: keyof typeof methods; args: unknown[] }) => {
  try {
    const result = (methods[message.method] as (...args: unknown[]) => unknown)(...message.args)
    port.postMessage({ id: message.id, result })
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) })
  }
})
