/**
 * The state store as a sync uses it: asynchronous, so that SQLite's share of a sync (staging every user, the
 * comparison, the swap) runs on a thread of its own, beside the fetching and mapping on the main thread.
 */
import { Worker } from 'node:worker_threads'
import { StagedWrites } from './staged-writes.js'
import type { DepartedUser, Departure, HistoryEntry, RememberedUser, RunResult, Staging } from './state.js'

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

/** What tests, the benchmark and operators read back from a store: the same answers from either store. */
export interface StateReader {
  /** The account's last complete snapshot, in the order its sync listed it. */
  snapshot(connector: string, account: string): Promise<ReadonlyArray<RememberedUser>>
  /** The account's departed users still remembered, in the order they departed. */
  departed(connector: string, account: string): Promise<ReadonlyArray<DepartedUser>>
  /** The account's sync history, oldest first. */
  history(connector: string, account: string): Promise<ReadonlyArray<HistoryEntry>>
  /** The units the run `runId` settled (history rows with an envelope), each with its latest envelope. */
  runResults(runId: string, only?: { readonly connector: string; readonly unit: string }): Promise<ReadonlyArray<RunResult>>
}

/** A state store: what a sync writes and what can be read back. */
export type StateBackend = SyncState & StateReader

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void }

/**
 * The state store on its own worker thread. Calls are answered in the order they were made. A failed call fails
 * only its own unit: a stage that could not be written is reported by that staging's next call that waits; only a
 * thread that died fails every call.
 */
export class StateWorker implements StateBackend {
  private nextId = 0
  private readonly pending = new Map<number, Pending>()
  /** Per staging table, its stage calls not yet answered. */
  private readonly unwritten = new StagedWrites()
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

  /** A thread started ahead by {@link prewarm}, loading its code while the caller does other work. */
  private static warm: { readonly worker: Worker; dead: boolean } | undefined

  /** A thread that loads the store's code and waits for its `open` call. */
  private static spawn(): Worker {
    return new Worker(new URL('./state-worker.js', import.meta.url))
  }

  /**
   * Starts the store's thread now, so that loading its code (the store, SQLite's binding) overlaps whatever the
   * caller does before it {@link open}s a store; nothing is opened or created on disk until then. An unclaimed
   * thread does not keep the process alive.
   */
  static prewarm(): void {
    if (StateWorker.warm !== undefined) return
    const worker = StateWorker.spawn()
    worker.unref()
    // A thread that failed before it was claimed is replaced by a fresh one at `open`, which reports the failure.
    const warm = { worker, dead: false }
    const died = () => (warm.dead = true)
    worker.once('error', died).once('exit', died)
    StateWorker.warm = warm
  }

  /** Opens the store at `path` on its own thread (the pre-warmed one, if any); a failure to open rejects here. */
  static async open(path: string): Promise<StateWorker> {
    const warm = StateWorker.warm?.dead === false ? StateWorker.warm.worker : undefined
    StateWorker.warm = undefined
    warm?.ref()
    const worker = warm ?? StateWorker.spawn()
    const state = new StateWorker(worker, path)
    try {
      await state.call('open', path)
    } catch (error) {
      await worker.terminate()
      throw new Error(`cannot open the state database ${path}: ${(error as Error).message.replace(/^state store: /, '')}; give a writable file with --state or the run config's "state"`)
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
    // Answers come in call order, so pages are written in the order they were staged.
    await this.unwritten.add(staging.table, this.call('stagePacked', staging, JSON.stringify(users.map((u) => u.id)), users.map((u) => u.record).join('\n')))
  }

  /** Waits for the staging's pages still in flight; rejects with the first that failed. */
  private written(staging: Staging): Promise<void> {
    return this.unwritten.settled(staging.table)
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

  snapshot(connector: string, account: string): Promise<ReadonlyArray<RememberedUser>> {
    return this.call('snapshot', connector, account) as Promise<RememberedUser[]>
  }

  departed(connector: string, account: string): Promise<ReadonlyArray<DepartedUser>> {
    return this.call('departed', connector, account) as Promise<DepartedUser[]>
  }

  history(connector: string, account: string): Promise<ReadonlyArray<HistoryEntry>> {
    return this.call('history', connector, account) as Promise<HistoryEntry[]>
  }

  runResults(runId: string, only?: { readonly connector: string; readonly unit: string }): Promise<ReadonlyArray<RunResult>> {
    return this.call('runResults', runId, only) as Promise<RunResult[]>
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
