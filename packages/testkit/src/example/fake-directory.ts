/**
 * An in-memory upstream for the example connector: a tiny user directory with token auth, permissions,
 * cursor pagination that returns short pages, and injectable faults.
 */
export interface DirectoryData {
  readonly users: ReadonlyArray<{ readonly id: string; readonly name: string; readonly created: string }>
  readonly groups: ReadonlyArray<{ readonly id: string; readonly name: string; readonly members: ReadonlyArray<string> }>
}

export type Permission = 'users.read' | 'groups.read' | 'members.read'

export class FakeApiError extends Error {
  constructor(
    readonly status: 401 | 403 | 429 | 500,
    readonly code: string,
  ) {
    super(code)
  }
}

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly cursor?: string
}

export class FakeDirectory {
  pagesServed = 0

  constructor(
    private readonly data: DirectoryData,
    private readonly token: string,
    private readonly permissions: ReadonlyArray<Permission> = ['users.read', 'groups.read', 'members.read'],
    /** Short pages: a page holds at most this many items, whatever was asked. */
    private readonly servedPageSize = 3,
  ) {}

  private page<A>(items: ReadonlyArray<A>, cursor: string | undefined, limit: number): Page<A> {
    this.pagesServed++
    const start = cursor === undefined ? 0 : Number(cursor)
    const end = Math.min(items.length, start + Math.min(limit, this.servedPageSize))
    return { items: items.slice(start, end), ...(end < items.length ? { cursor: String(end) } : {}) }
  }

  private authorize(token: string, permission: Permission): void {
    if (token !== this.token) throw new FakeApiError(401, 'invalid_token')
    if (!this.permissions.includes(permission)) throw new FakeApiError(403, `missing_scope:${permission}`)
  }

  async listUsers(token: string, cursor: string | undefined, limit: number) {
    this.authorize(token, 'users.read')
    return this.page(this.data.users, cursor, limit)
  }

  async listGroups(token: string, cursor: string | undefined, limit: number) {
    this.authorize(token, 'groups.read')
    return this.page(
      this.data.groups.map(({ id, name }) => ({ id, name })),
      cursor,
      limit,
    )
  }

  async listMembers(token: string, groupId: string, cursor: string | undefined, limit: number) {
    this.authorize(token, 'members.read')
    const group = this.data.groups.find((g) => g.id === groupId)
    if (group === undefined) throw new FakeApiError(500, 'no_such_group')
    return this.page(group.members, cursor, limit)
  }
}

/** A small directory: 10 users, 3 groups (one empty), 8 memberships. */
export const sampleDirectory: DirectoryData = {
  users: Array.from({ length: 10 }, (_, i) => ({ id: `u${i}`, name: `user${i}`, created: `2024-01-${String(i + 1).padStart(2, '0')}T00:00:00Z` })),
  groups: [
    { id: 'g1', name: 'admins', members: ['u0', 'u1'] },
    { id: 'g2', name: 'devs', members: ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'] },
    { id: 'g3', name: 'empty', members: [] },
  ],
}
