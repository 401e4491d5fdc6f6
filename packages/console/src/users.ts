/**
 * An account's users as the runner's state holds them: the last complete snapshot (active) and the users it
 * remembers as departed (deleted, for the retention window) — the same users the platform users file states.
 * Read through the runner's `StateStore`, searched and paged here; an account's list is read once per sync of it.
 */
import type { User } from '@connectors/core'
import { StateStore } from '@connectors/runner'

/** A row of the Users table. */
export interface UserRow {
  readonly id: string
  readonly username: string
  readonly email?: string
  /** The person's name, when the upstream keeps one: its display name, else the given and family names. */
  readonly name?: string
  readonly status: string
  readonly externalStatus?: string
  /** Absent when unknown (the group listing failed), which is not the same as none. */
  readonly roles?: ReadonlyArray<string>
  readonly lastUsedAt?: string
}

/** A page of users. */
export interface UsersPage {
  readonly total: number
  /** Users of the account before the search. */
  readonly all: number
  readonly page: number
  readonly size: number
  readonly users: ReadonlyArray<UserRow>
}

export interface UsersQuery {
  readonly q?: string
  readonly status?: 'active' | 'deleted'
  readonly page: number
  readonly size: number
}

/** A connector may add a display name of its own (Identity Center's); the canonical names are the fallback. */
const nameOf = (u: User & { readonly displayName?: unknown }): string | undefined => {
  if (typeof u.displayName === 'string' && u.displayName.trim() !== '') return u.displayName
  const joined = [u.firstName, u.lastName].filter((n) => n !== undefined && n !== '').join(' ')
  return joined === '' ? undefined : joined
}

const rowOf = (record: string, status?: string): UserRow => {
  const u = JSON.parse(record) as User
  const name = nameOf(u)
  return {
    id: u.id,
    username: u.username,
    status: status ?? u.status,
    ...(u.email !== undefined ? { email: u.email } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(u.externalStatus !== undefined ? { externalStatus: u.externalStatus } : {}),
    ...(u.roles !== undefined ? { roles: u.roles } : {}),
    ...(u.lastUsedAt !== undefined ? { lastUsedAt: u.lastUsedAt } : {}),
  }
}

export class UsersView {
  private readonly store: StateStore
  private readonly cache = new Map<string, { readonly version: string; readonly rows: ReadonlyArray<UserRow> }>()

  constructor(statePath: string) {
    this.store = new StateStore(statePath)
  }

  /** A page of the account's users matching `query`. */
  page(connector: string, accountId: string, query: UsersQuery): UsersPage {
    // Read again after any sync of the account, the console's or a `connectors sync` on the same state.
    const history = this.store.history(connector, accountId)
    const rows = this.rows(connector, accountId, `${history.length}:${history.at(-1)?.finishedAt ?? ''}`)
    const needle = (query.q ?? '').trim().toLowerCase()
    const matches = rows.filter((r) => (query.status === undefined || r.status === query.status) && (needle === '' || [r.username, r.email ?? '', r.name ?? '', ...(r.roles ?? [])].some((s) => s.toLowerCase().includes(needle))))
    const start = (query.page - 1) * query.size
    return { total: matches.length, all: rows.length, page: query.page, size: query.size, users: matches.slice(start, start + query.size) }
  }

  private rows(connector: string, accountId: string, version: string): ReadonlyArray<UserRow> {
    const key = `${connector}\u0000${accountId}`
    const cached = this.cache.get(key)
    if (cached?.version === version) return cached.rows
    const rows = [...this.store.snapshot(connector, accountId).map((u) => rowOf(u.record)), ...this.store.departed(connector, accountId).map((u) => rowOf(u.record, 'deleted'))].sort((a, b) => a.username.localeCompare(b.username) || a.status.localeCompare(b.status))
    this.cache.set(key, { version, rows })
    return rows
  }

  close(): void {
    this.store.close()
  }
}
