/**
 * The state store as a sync uses it: asynchronous, so that SQLite's share of a sync (staging every user, the
 * comparison, the swap) runs on a thread of its own, beside the fetching and mapping on the main thread.
 */
import { Worker } from 'node:worker_threads'
import type { HistoryEntry, RememberedUser, Staging } from './state.js'

/** What a sync needs of the state store. */
export interface SyncState {
  beginStaging(connector: string, unit: string): Promise<Staging>
  /** Stages a page of users; may return before the page is written (a later call reports a failure). */
  stage(staging: Staging, users: ReadonlyArray<RememberedUser>): Promise<void>
  compare(staging: Staging, account: string): Promise<{ readonly previous: number; readonly vanished: number }>
  vanishedPage(staging: Staging, account: string, after: number, limit: number): Promise<{ readonly users: ReadonlyArray<RememberedUser>; readonly last: number }>
  commitStaging(staging: Staging, account: string): Promise<void>
  discardStaging(staging: Staging): Promise<void>
  record(entry: HistoryEntry): Promise<void>
  close(): Promise<void>
}

/** Pages staged but not yet written before `stage` waits: bounds memory if SQLite falls behind. */
const STAGE_WINDOW = 8

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void }

/** The state store on its own worker thread. Calls are answered in the order they were made. */
export class StateWorker implements SyncState {
  private nextId = 0
  private readonly pending = new Map<number, Pending>()
  /** Stage calls not yet answered, oldest first. */
  private readonly unwritten: Array<Promise<unknown>> = []
  private failure: Error | undefined

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.pending.get(message.id)
      this.pending.delete(message.id)
      if (message.error !== undefined) {
        this.failure ??= new Error(`state store: ${message.error}`)
        waiting?.reject(this.failure)
      } else if (this.failure !== undefined) waiting?.reject(this.failure)
      else waiting?.resolve(message.result)
    })
    worker.on('error', (error) => this.fail(error))
    worker.on('exit', (code) => this.fail(new Error(`state store: its thread exited (code ${code})`)))
  }

  /** Starts the thread and opens the store at `path` (a failure to open rejects here). */
  static async open(path: string): Promise<StateWorker> {
    const worker = new Worker(new URL('./state-worker.js', import.meta.url), { workerData: { path } })
    const state = new StateWorker(worker)
    try {
      await state.call('ready')
    } catch (error) {
      await worker.terminate()
      throw new Error(`cannot open the state database ${path}: ${(error as Error).message}; give a writable file with --state or the run config's "state"`)
    }
    return state
  }

  private fail(error: Error): void {
    this.failure ??= error
    for (const waiting of this.pending.values()) waiting.reject(this.failure)
    this.pending.clear()
  }

  private call(method: string, ...args: unknown[]): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ id, method, args })
    })
  }

  beginStaging(connector: string, unit: string): Promise<Staging> {
    return this.call('beginStaging', connector, unit) as Promise<Staging>
  }

  async stage(staging: Staging, users: ReadonlyArray<RememberedUser>): Promise<void> {
    // Two strings cross the thread boundary far cheaper than a thousand small objects. Records are JSON, so a
    // record never contains a raw newline.
    const written = this.call('stagePacked', staging, JSON.stringify(users.map((u) => u.id)), users.map((u) => u.record).join('\n'))
    written.catch(() => {}) // reported by the next call that waits (answers come in order)
    this.unwritten.push(written)
    if (this.unwritten.length > STAGE_WINDOW) await this.unwritten.shift()
  }

  compare(staging: Staging, account: string): Promise<{ readonly previous: number; readonly vanished: number }> {
    return this.call('compare', staging, account) as Promise<{ previous: number; vanished: number }>
  }

  vanishedPage(staging: Staging, account: string, after: number, limit: number): Promise<{ readonly users: ReadonlyArray<RememberedUser>; readonly last: number }> {
    return this.call('vanishedPage', staging, account, after, limit) as Promise<{ users: RememberedUser[]; last: number }>
  }

  async commitStaging(staging: Staging, account: string): Promise<void> {
    await this.call('commitStaging', staging, account)
  }

  async discardStaging(staging: Staging): Promise<void> {
    await this.call('discardStaging', staging)
  }

  async record(entry: HistoryEntry): Promise<void> {
    await this.call('record', entry)
  }

  /** Closes the store and ends the thread. */
  async close(): Promise<void> {
    try {
      if (this.failure === undefined) await this.call('close')
    } finally {
      this.worker.removeAllListeners('exit')
      await this.worker.terminate()
    }
  }
}
