/**
 * The console's accounts: connect (validate with the connector's codec, store without secrets), edit, remove, test
 * the connection with the connector's own check, and the summary the page shows — where the green check is decided.
 */
import { checkConnector, defaultRunContext, errorToJson, silentLogger, type Logger, type PlatformIdentity } from '@connectors/core'
import { fileNameOf, unitPaths, type Envelope } from '@connectors/runner'
import * as E from 'fp-ts/Either'
import { existsSync } from 'node:fs'
import type { AccountStore, CheckJson, StoredAccount } from './accounts.js'
import type { Catalog, CatalogEntry } from './catalog.js'
import { decodeAccountConfig, splitSecrets, withSecrets, type FieldIssue } from './config.js'
import type { EventBus } from './events.js'

/** What the page sends to connect or edit an account. */
/** The paths (`endpoints`, `email.mapFile`) at which `value` holds one of `keys`, at any depth. */
function keyPaths(value: unknown, keys: ReadonlySet<string>, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return []
  return Object.entries(value).flatMap(([key, inner]) => (keys.has(key) ? [`${prefix}${key}`] : keyPaths(inner, keys, `${prefix}${key}.`)))
}

export interface AccountInput {
  readonly connector: string
  readonly name: string
  readonly config: Record<string, unknown>
  readonly exclude?: ReadonlyArray<string>
}

/** The last sync as the page shows it: no local paths, fixes filled in. */
export interface SyncSummary {
  readonly status: string
  readonly counts: Readonly<Record<string, number>>
  readonly startedAt: string
  readonly finishedAt: string
  readonly elapsedMs: number
  readonly apiCalls: number
  readonly errors: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly dropGuard?: unknown
  readonly usersFileReason?: string
  /** Usernames the users file left out for want of an email (the first of them; `counts.unmatchedEmail` has all). */
  readonly unmatchedEmail?: ReadonlyArray<string>
  /** The connector's own advice about them: where its upstream keeps emails. */
  readonly unmatchedEmailFix?: string
}

/** Users without an email the page names; the count says how many more there are. */
const UNMATCHED_SHOWN = 20

/** An account as the page shows it. */
export interface AccountSummary {
  readonly id: number
  readonly name: string
  readonly connector: string
  readonly connectorName: string
  readonly accountId: string
  readonly config: Readonly<Record<string, unknown>>
  readonly exclude: ReadonlyArray<string>
  readonly secretPaths: ReadonlyArray<string>
  /** Whether this process holds every sensitive value the account was connected with (they are never stored). */
  readonly secretsHeld: boolean
  readonly check: CheckJson | null
  readonly sync: SyncSummary | null
  /** Connected: its last connection check passed. */
  readonly connected: boolean
  /** The green check: connected, and its last sync was complete and applied (`ok`). */
  readonly healthy: boolean
  /** Whether a platform users file is there to download. */
  readonly usersFile: boolean
}

/** Names are the run config's account names: they name the output files. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
export const NAME_RULE = 'expected 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit (it names the account’s output files)'

export class AccountService {
  /** Sensitive values, by account, for the life of this process only. */
  private readonly secrets = new Map<number, Record<string, unknown>>()

  constructor(
    private readonly store: AccountStore,
    readonly catalog: Catalog,
    private readonly events: EventBus,
    private readonly run: { readonly out: string; readonly env: Readonly<Record<string, string | undefined>>; readonly platform: PlatformIdentity; readonly logger?: Logger; readonly baseDir?: string },
  ) {}

  list(): StoredAccount[] {
    return this.store.list()
  }

  get(id: number): StoredAccount | undefined {
    return this.store.get(id)
  }

  /** Validates and stores a new account (`id` undefined) or new settings for one; left: one issue per bad field. */
  save(input: AccountInput, id?: number): E.Either<ReadonlyArray<FieldIssue>, StoredAccount> {
    const entry = this.catalog.get(input.connector)
    if (entry === undefined) return E.left([{ path: '', message: `no installed connector is named "${input.connector}"` }])
    const issues: FieldIssue[] = []
    if (!NAME.test(input.name)) issues.push({ path: 'name', message: `${NAME_RULE}, got ${JSON.stringify(input.name.slice(0, 80))}` })
    const sameName = this.store.byName(input.name, id)
    if (sameName !== undefined) issues.push({ path: 'name', message: `"${sameName.name}" is already the name of an account; give every account its own name` })
    // Where the platform's credentials or file reads go is the operator's to set, in a run config: never a form's.
    for (const path of keyPaths(input.config, entry.operatorOnly)) {
      issues.push({ path: `config.${path}`, message: "set by the platform's operator in a run config, not from the console: it decides where the platform's credentials or file reads go" })
    }
    // A sensitive value left empty while editing keeps the one this process holds.
    const previous = id === undefined ? {} : (this.secrets.get(id) ?? {})
    const { kept, secrets, secretPaths } = splitSecrets(input.config, entry.sensitive)
    const allSecrets = withSecrets(previous, secrets)
    const decoded = decodeAccountConfig(entry, withSecrets(kept, allSecrets))
    if (E.isLeft(decoded)) issues.push(...decoded.left.map((i) => ({ path: i.path === '' ? '' : `config.${i.path}`, message: i.message })))
    else {
      const same = this.store.byUpstream(entry.id, decoded.right.accountId, id)
      if (same !== undefined) issues.push({ path: '', message: `${entry.connector.displayName} account ${decoded.right.accountId} is already connected as "${same.name}"; connect each account once` })
    }
    if (issues.length > 0 || E.isLeft(decoded)) return E.left(issues)
    const paths = [...new Set([...(id === undefined ? [] : (this.store.get(id)?.secretPaths ?? [])), ...secretPaths])].filter((p) => hasPath(allSecrets, p))
    const fields = { connector: entry.id, name: input.name, accountId: decoded.right.accountId, config: kept, exclude: input.exclude ?? [], secretPaths: paths }
    const saved = id === undefined ? this.store.create(fields) : this.store.update(id, fields)
    if (saved === undefined) return E.left([{ path: '', message: 'this account no longer exists' }])
    if (Object.keys(allSecrets).length > 0) this.secrets.set(saved.id, allSecrets)
    else this.secrets.delete(saved.id)
    this.changed(saved)
    return E.right(saved)
  }

  remove(id: number): boolean {
    this.secrets.delete(id)
    const removed = this.store.remove(id)
    if (removed) this.events.emit({ type: 'account-removed', data: { id } })
    return removed
  }

  /** The config a check or sync runs with: the stored one and the sensitive values, or why it cannot run. */
  configFor(account: StoredAccount): E.Either<string, Record<string, unknown>> {
    const secrets = this.secrets.get(account.id) ?? {}
    const missing = account.secretPaths.filter((p) => !hasPath(secrets, p))
    if (missing.length > 0) return E.left(`${missing.join(', ')} of "${account.name}" is not stored (sensitive values never are): enter it again in the account's settings`)
    return E.right(withSecrets(account.config, secrets))
  }

  entryOf(account: StoredAccount): CatalogEntry | undefined {
    return this.catalog.get(account.connector)
  }

  /** Runs the connector's connection check and keeps its result. */
  async check(account: StoredAccount): Promise<E.Either<string, StoredAccount>> {
    const entry = this.entryOf(account)
    if (entry === undefined) return E.left(`the connector ${account.connector} is not installed`)
    const config = this.configFor(account)
    if (E.isLeft(config)) return config
    const ctx = defaultRunContext({ logger: this.run.logger ?? silentLogger, env: this.run.env, platform: this.run.platform, ...(this.run.baseDir !== undefined ? { baseDir: this.run.baseDir } : {}) })
    const report = await checkConnector(entry.connector, config.right, ctx)()
    const check: CheckJson = { ok: report.ok, checkedAt: new Date().toISOString(), steps: report.steps.map((s) => ({ step: s.step, status: s.status, ...(s.error !== undefined ? { error: errorToJson(s.error) } : {}) })) }
    this.store.recordCheck(account.id, check)
    const checked = this.store.get(account.id)
    if (checked === undefined) return E.left('this account was removed meanwhile')
    this.changed(checked)
    return E.right(checked)
  }

  /** Keeps the envelope of the account's last sync. */
  recordSync(id: number, envelope: Envelope): void {
    this.store.recordSync(id, envelope)
    const account = this.store.get(id)
    if (account !== undefined) this.changed(account)
  }

  /** Tells every page an account changed. */
  changed(account: StoredAccount): void {
    this.events.emit({ type: 'account', data: this.summary(account) })
  }

  summary(account: StoredAccount): AccountSummary {
    const entry = this.entryOf(account)
    const envelope = account.lastSync
    const fill = (e: Readonly<Record<string, unknown>>) => ({ ...e, ...(typeof e['fix'] === 'string' ? { fix: this.catalog.fillFix(e['fix']) } : {}), ...(typeof e['message'] === 'string' ? { message: this.catalog.fillFix(e['message']) } : {}) })
    const check = account.lastCheck === undefined ? null : { ...account.lastCheck, steps: account.lastCheck.steps.map((s) => (s.error === undefined ? s : { ...s, error: fill(s.error) })) }
    const sync: SyncSummary | null =
      envelope === undefined
        ? null
        : {
            status: envelope.status,
            counts: { ...envelope.counts },
            startedAt: envelope.startedAt,
            finishedAt: envelope.finishedAt,
            elapsedMs: envelope.elapsedMs,
            apiCalls: envelope.apiCalls,
            errors: envelope.errors.map(fill),
            ...(envelope.dropGuard !== undefined ? { dropGuard: envelope.dropGuard } : {}),
            ...(envelope.usersFileReason !== undefined ? { usersFileReason: envelope.usersFileReason } : {}),
            ...(envelope.unmatchedEmail !== undefined && envelope.unmatchedEmail.length > 0 ? { unmatchedEmail: envelope.unmatchedEmail.slice(0, UNMATCHED_SHOWN) } : {}),
            ...(envelope.unmatchedEmailFix !== undefined ? { unmatchedEmailFix: this.catalog.fillFix(envelope.unmatchedEmailFix) } : {}),
          }
    const connected = account.lastCheck?.ok === true
    return {
      id: account.id,
      name: account.name,
      connector: account.connector,
      connectorName: entry?.connector.displayName ?? account.connector,
      accountId: account.accountId,
      config: account.config,
      exclude: account.exclude,
      secretPaths: account.secretPaths,
      secretsHeld: E.isRight(this.configFor(account)),
      check,
      sync,
      connected,
      healthy: connected && envelope?.status === 'ok',
      usersFile: existsSync(this.usersFileOf(account)),
    }
  }

  /** Where the runner writes the account's platform users file. */
  usersFileOf(account: StoredAccount): string {
    return unitPaths(this.run.out, account.connector, fileNameOf(account.name)).usersFile
  }
}

function hasPath(value: Record<string, unknown>, path: string): boolean {
  let at: unknown = value
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null || !(key in at)) return false
    at = (at as Record<string, unknown>)[key]
  }
  return at !== undefined
}
