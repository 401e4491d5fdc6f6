/**
 * The body of the state store's worker thread: opens the store and answers `{ id, method, args }` messages with
 * `{ id, result }` or `{ id, error }`, in the order they came. Started with a path, it opens the store at once;
 * pre-warmed without one, at its first `open` call.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { StateStore, type Staging } from './state.js'

const port = parentPort
if (port === null) throw new Error('state-worker-main runs in a worker thread')
const initial = (workerData as { path?: string }).path
let opened = initial !== undefined ? new StateStore(initial) : undefined
const store = (): StateStore => {
  if (opened === undefined) throw new Error('the state store is not open')
  return opened
}
const methods = {
  ready: () => true,
  open: (path: string) => {
    opened ??= new StateStore(path)
    return true
  },
  beginStaging: (connector: string, unit: string) => store().beginStaging(connector, unit),
  stagePacked: (staging: Staging, ids: string, records: string) => {
    const lines = records.split('\n')
    store().stage(staging, (JSON.parse(ids) as string[]).map((id, i) => ({ id, record: lines[i] as string })))
  },
  compare: (...a: Parameters<StateStore['compare']>) => store().compare(...a),
  vanishedPage: (...a: Parameters<StateStore['vanishedPage']>) => store().vanishedPage(...a),
  retainedPage: (...a: Parameters<StateStore['retainedPage']>) => store().retainedPage(...a),
  commitStaging: (...a: Parameters<StateStore['commitStaging']>) => store().commitStaging(...a),
  discardStaging: (...a: Parameters<StateStore['discardStaging']>) => store().discardStaging(...a),
  record: (...a: Parameters<StateStore['record']>) => store().record(...a),
  snapshot: (...a: Parameters<StateStore['snapshot']>) => store().snapshot(...a),
  departed: (...a: Parameters<StateStore['departed']>) => store().departed(...a),
  history: (...a: Parameters<StateStore['history']>) => store().history(...a),
  runResults: (...a: Parameters<StateStore['runResults']>) => store().runResults(...a),
  close: () => opened?.close(),
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
