/**
 * The state store as a sync uses it: asynchronous, so that SQLite's share of a sync (staging every user, the
 * comparison, the swap) runs on a thread of its own, beside the fetching and mapping on the main thread.
 */
import { Worker } from 'node:worker_threads'
import type { DepartedUser, Departure, HistoryEntry, RememberedUser, Staging } from './state.js'

/** What a sync needs of the state store. */
export interface SyncState {
  /** Where the state lives (a file path, a database URL without credentials), for messages. */
  readonly location: string
  beginStaging(connector: string, unit: string): Promise<Staging>
  /** Stages a page of users; may return before the page is written (a later call reports a failure). */
  stage(staging: Staging, users: ReadonlyArray<RememberedUser>): Promise<void>
  compare(staging: Staging, account: string): Promise<{ readonly previous: number; readonly vanished: number }>
  vanishedPage(staging: Staging, account: string, after: number, limit: number): Promise<{ readonly users: ReadonlyArray<RememberedUser>; readonly last: number }>
  retainedPage(staging: Staging, account: string, since: string, after: number, limit: number): Promise<{ readonly users: ReadonlyArray<DepartedUser>; readonly last: number }>
  commitStaging(staging: Staging, account: string, history?: HistoryEntry, departure?: Departure): Promise<void>
  discardStaging(staging: Staging, history?: HistoryEntry): Promise<void>
  record(entry: HistoryEntry): Promise<void>
  close(): Promise<void>
}

/** Pages staged but not yet written before `stage` waits: bounds memory if SQLite falls behind. */
const STAGE_WINDOW = 8

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void }

/**
 * The state store on its own worker thread. Calls are answered in the order they were made. A failed call fails
 * only its own unit: a stage that could not be written is reported by that staging's next call that waits; only a
 * thread that died fails every call.
 */
export class StateWorker implements SyncState {
  private nextId = 0
  private readonly pending = new Map<number, Pending>()
  /** Per staging table, its stage calls not yet answered, oldest first. */
  private readonly unwritten = new Map<string, Array<Promise<unknown>>>()
  private failure: Error | undefined

  private constructor(
    private readonly worker: Worker,
    readonly location: string,
  ) {
    worker.on('message', (message: { id: number; result?: unknown; error?: string; code?: string }) => {
      const waiting = this.pending.get(message.id)
      this.pending.delete(message.id)
      // The error's code (SQLITE_FULL, SQLITE_READONLY…) crosses with its message: it decides the fix a user is shown.
      if (message.error !== undefined) waiting?.reject(Object.assign(new Error(`state store: ${message.error}`), message.code !== undefined ? { code: message.code } : {}))
      else waiting?.resolve(message.result)
    })
    worker.on('error', (error) => this.fail(error))
    worker.on('exit', (code) => this.fail(new Error(`state store: its thread exited (code ${code})`)))
  }

  /** Starts the thread and opens the store at `path` (a failure to open rejects here). */
  static async open(path: string): Promise<StateWorker> {
    const worker = new Worker(new URL('./state-worker.js', import.meta.url), { workerData: { path } })
    const state = new StateWorker(worker, path)
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
    written.catch(() => {}) // reported by this staging's next call that waits (answers come in order)
    const queue = this.unwritten.get(staging.table) ?? []
    this.unwritten.set(staging.table, queue)
    queue.push(written)
    if (queue.length > STAGE_WINDOW) await queue.shift()
  }

  /** Waits for the staging's pages still in flight; rejects with the first that failed. */
  private async written(staging: Staging): Promise<void> {
    const queue = this.unwritten.get(staging.table) ?? []
    this.unwritten.delete(staging.table)
    await Promise.all(queue)
  }

  async compare(staging: Staging, account: string): Promise<{ readonly previous: number; readonly vanished: number }> {
    await this.written(staging)
    return (await this.call('compare', staging, account)) as { previous: number; vanished: number }
  }

  async vanishedPage(staging: Staging, account: string, after: number, limit: number): Promise<{ readonly users: ReadonlyArray<RememberedUser>; readonly last: number }> {
    await this.written(staging)
    return (await this.call('vanishedPage', staging, account, after, limit)) as { users: RememberedUser[]; last: number }
  }

  async retainedPage(staging: Staging, account: string, since: string, after: number, limit: number): Promise<{ readonly users: ReadonlyArray<DepartedUser>; readonly last: number }> {
    await this.written(staging)
    return (await this.call('retainedPage', staging, account, since, after, limit)) as { users: DepartedUser[]; last: number }
  }

  async commitStaging(staging: Staging, account: string, history?: HistoryEntry, departure?: Departure): Promise<void> {
    await this.written(staging)
    await this.call('commitStaging', staging, account, history, departure)
  }

  async discardStaging(staging: Staging, history?: HistoryEntry): Promise<void> {
    // What was staged is dropped either way: a page that failed to stage does not stop the discard.
    await this.written(staging).catch(() => undefined)
    await this.call('discardStaging', staging, history)
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
