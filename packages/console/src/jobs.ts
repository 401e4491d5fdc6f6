/**
 * Syncs in the background, through the runner's own `runSync` — the same units, outputs, state and locks as
 * `connectors sync` — one run at a time. Accounts asked for while a run is going wait for the next one; an
 * accepted drop runs alone, since accepting is a decision about that account only. Progress goes to the page as
 * events; the envelope of each account is kept with it.
 */
import type { Logger, PlatformIdentity } from '@connectors/core'
import { acquireLock, DEFAULT_DROP_THRESHOLD, planUnits, runSync, StateWorker, type Lock, type RunConfig, type SyncOptions } from '@connectors/runner'
import * as E from 'fp-ts/Either'
import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { StoredAccount } from './accounts.js'
import type { EventBus } from './events.js'
import type { AccountService } from './service.js'

type ProgressEvent = Parameters<NonNullable<SyncOptions['onProgress']>>[1]

/** Where an account's sync stands right now. */
export interface Activity {
  readonly id: number
  readonly phase: 'queued' | 'running' | 'done' | 'refused'
  /** Users listed so far (running), or in all (done). */
  readonly users?: number
  readonly status?: string
  /** Why it did not run (refused). */
  readonly message?: string
}

export interface JobSettings {
  readonly out: string
  readonly statePath: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly platform: PlatformIdentity
  readonly logger: Logger
  readonly concurrency: number
  readonly dropThreshold?: number
  readonly retentionDays?: number
  readonly baseDir?: string
}

/** Progress events a running account sends at most this often (pages can come hundreds a second). */
const PROGRESS_EVERY_MS = 250

export class SyncJobs {
  private readonly waiting = new Map<number, { readonly acceptDrop: boolean }>()
  private readonly activity = new Map<number, Activity>()
  private readonly stop = new AbortController()
  private draining: Promise<void> | undefined

  constructor(
    private readonly accounts: AccountService,
    private readonly events: EventBus,
    private readonly settings: JobSettings,
  ) {}

  /** Where each account's sync stands (queued, running, or how the last one this process ran ended). */
  activities(): Activity[] {
    return [...this.activity.values()]
  }

  get running(): boolean {
    return this.draining !== undefined
  }

  /** Queues accounts for a sync; the ones that cannot run say why. */
  request(accounts: ReadonlyArray<StoredAccount>, acceptDrop: boolean): { readonly queued: number[]; readonly refused: Activity[] } {
    const queued: number[] = []
    const refused: Activity[] = []
    for (const account of accounts) {
      const config = this.accounts.configFor(account)
      if (E.isLeft(config)) {
        refused.push(this.tell({ id: account.id, phase: 'refused', message: config.left }))
        continue
      }
      const phase = this.activity.get(account.id)?.phase
      if (phase === 'queued' || phase === 'running') continue
      this.waiting.set(account.id, { acceptDrop })
      queued.push(account.id)
      this.tell({ id: account.id, phase: 'queued' })
    }
    if (queued.length > 0) this.start()
    return { queued, refused }
  }

  /** Works through the queue unless that is already under way. */
  private start(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined
      this.events.emit({ type: 'job', data: { running: false } })
      if (this.waiting.size > 0 && !this.stop.signal.aborted) this.start()
    })
  }

  /** Interrupts the running sync (its accounts apply nothing) and waits for it to end. */
  async close(): Promise<void> {
    this.waiting.clear()
    this.stop.abort()
    await this.draining
  }

  private tell(activity: Activity): Activity {
    this.activity.set(activity.id, activity)
    this.events.emit({ type: 'progress', data: activity })
    return activity
  }

  private async drain(): Promise<void> {
    this.events.emit({ type: 'job', data: { running: true } })
    while (this.waiting.size > 0 && !this.stop.signal.aborted) {
      // Accounts whose drop is accepted run alone; the others together.
      const accepted = [...this.waiting].find(([, w]) => w.acceptDrop)
      const batch = accepted !== undefined ? [accepted[0]] : [...this.waiting.keys()]
      for (const id of batch) this.waiting.delete(id)
      const accounts = batch.flatMap((id) => {
        const account = this.accounts.get(id)
        // Removed while it waited: nothing to run, nothing to show.
        if (account === undefined) this.activity.delete(id)
        return account === undefined ? [] : [account]
      })
      await this.runOnce(accounts, accepted !== undefined).catch((error: Error) => {
        // Whatever keeps a run from starting (a lock held by another run, an unwritable folder) is each account's to show.
        for (const a of accounts) this.tell({ id: a.id, phase: 'refused', message: error.message })
      })
    }
  }

  private async runOnce(accounts: ReadonlyArray<StoredAccount>, acceptDrop: boolean): Promise<void> {
    const runnable = accounts.flatMap((account) => {
      const entry = this.accounts.entryOf(account)
      const config = this.accounts.configFor(account)
      if (entry !== undefined && E.isRight(config)) return [{ account, entry, config: config.right }]
      this.tell({ id: account.id, phase: 'refused', message: E.isLeft(config) ? config.left : `the connector ${account.connector} is not installed` })
      return []
    })
    if (runnable.length === 0) return
    // The run config `connectors sync` would read for these accounts, planned by the runner.
    const config: RunConfig = {
      connectors: runnable.map(({ account, entry, config: c }) => ({ connector: entry.packageName, accounts: [{ name: account.name, config: c, exclude: [...account.exclude] }] })),
      platform: this.settings.platform,
    }
    const planned = planUnits(config, runnable.map((r) => r.entry.connector), undefined, this.settings.baseDir)
    if (E.isLeft(planned)) throw new Error(planned.left.join('; '))
    const byName = new Map(runnable.map((r) => [r.account.name, r.account.id]))
    const { out, statePath } = this.settings
    const runId = randomUUID()
    await mkdir(out, { recursive: true })
    const locks: Lock[] = []
    try {
      locks.push(await acquireLock(join(out, '.run.lock'), `the output folder ${out}`, runId))
      locks.push(await acquireLock(`${statePath}.lock`, `the state file ${statePath}`, runId))
      const state = await StateWorker.open(statePath)
      try {
        const listed = new Map<number, { users: number; shownAt: number }>()
        const onProgress = (unit: string, event: ProgressEvent) => {
          const id = byName.get(unit)
          if (id === undefined) return
          if (event.type === 'started') this.tell({ id, phase: 'running', users: 0 })
          else if (event.type === 'done') this.tell({ id, phase: 'done', users: event.users, status: event.status })
          else if (event.type === 'page' && event.entity === 'users') {
            const seen = listed.get(id) ?? { users: 0, shownAt: 0 }
            seen.users += event.records
            listed.set(id, seen)
            if (Date.now() - seen.shownAt >= PROGRESS_EVERY_MS) {
              seen.shownAt = Date.now()
              this.tell({ id, phase: 'running', users: seen.users })
            }
          }
        }
        const { report } = await runSync(planned.right, {
          out,
          state,
          runId,
          concurrency: this.settings.concurrency,
          drop: { threshold: this.settings.dropThreshold ?? DEFAULT_DROP_THRESHOLD, accept: acceptDrop },
          ...(this.settings.retentionDays !== undefined ? { retentionDays: this.settings.retentionDays } : {}),
          platform: this.settings.platform,
          logger: this.settings.logger,
          env: this.settings.env,
          signal: this.stop.signal,
          onProgress,
        })
        for (const envelope of report.units) {
          const id = byName.get(envelope.unit)
          if (id === undefined) continue
          this.accounts.recordSync(id, envelope)
        }
      } finally {
        await state.close()
      }
    } finally {
      for (const held of locks.reverse()) await held.release()
    }
  }
}
