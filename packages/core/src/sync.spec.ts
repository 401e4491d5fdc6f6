import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { checkConnector } from './check.js'
import { defaultRunContext, defineConnector, type Fetchers } from './connector.js'
import { ConnectorError } from './errors.js'
import type { Membership, User } from './records.js'
import { strictObject } from './strict.js'
import { syncAccount, type Batch, type SyncOutcome } from './sync.js'

const Config = strictObject('TinyConfig', { tenant: t.string }, { tags: t.boolean, failGroups: t.boolean, badUser: t.boolean })
type Config = t.TypeOf<typeof Config>
interface Session {
  readonly tenant: string
  readonly release: () => Promise<void>
}
const scope = (operation: string) => ({ connector: 'tiny', account: 't', operation })
const user = (id: string, extra: Partial<User> = {}): User => ({ accountId: 't', id, username: id, status: 'active', licenses: ['Seat'], createdAt: '2024-01-01T00:00:00Z', ...extra })

function tiny(released: string[], probed: string[] = []) {
  const probe = (permission: string) => (_: Session) => TE.rightTask(async () => void probed.push(permission))
  const fetchers: Fetchers<Session, Config> = {
    groups: {
      probes: { 'groups.read': probe('groups.read') },
      fetch: async function* (_s, _i, _c, config) {
        yield config.failGroups === true ? E.left(ConnectorError.accessDenied({ ...scope('groups.list'), detail: 'no', permission: 'groups.read' })) : E.right([{ accountId: 't', id: 'g', name: 'admins' }])
      },
    },
    memberships: {
      needs: ['groups'],
      probes: { 'members.read': probe('members.read') },
      fetch: async function* (_s, inputs) {
        yield E.right((inputs.groups ?? []).map((g): Membership => ({ accountId: 't', groupId: g.id, groupName: g.name, userId: 'u1', username: 'u1' })))
      },
    },
    users: {
      uses: ['memberships'],
      probes: { 'users.read': probe('users.read'), 'users.tags': probe('users.tags') },
      fetch: async function* (_s, inputs, _c, config) {
        const roles = inputs.memberships === undefined ? {} : { roles: inputs.memberships.map((m) => m.groupName) }
        yield E.right([user('u1', roles), ...(config.badUser === true ? [{ ...user('u2'), createdAt: 'yesterday' }] : [])])
        yield E.right([user('u3', roles)])
      },
    },
  }
  return defineConnector<Config, Session>({
    id: 'tiny',
    displayName: 'Tiny',
    version: '1.0.0',
    config: Config,
    manifest: {
      contractVersion: 1,
      authOperation: 'token.verify',
      userFields: [{ name: 'Username', description: 'name' }],
      licenseTypes: ['Seat'],
      entities: ['users', 'groups', 'memberships'],
      fetchers: [
        { entity: 'users', permissions: ['users.read'], description: 'users', optionalPermissions: [{ permission: 'users.tags', feature: 'tags', description: 'emails from tags' }] },
        { entity: 'groups', permissions: ['groups.read'], description: 'groups' },
        { entity: 'memberships', permissions: ['members.read'], description: 'members' },
      ],
    },
    accountOf: (c) => c.tenant,
    featuresOf: (c) => (c.tags === true ? ['tags'] : []),
    auth: (c) => TE.right({ tenant: c.tenant, release: async () => void released.push(c.tenant) }),
    fetchers,
  })
}

async function run(config: unknown, released: string[] = []): Promise<{ batches: Batch[]; outcome: SyncOutcome }> {
  const batches: Batch[] = []
  const generator = syncAccount(tiny(released), config, defaultRunContext())
  for (;;) {
    const next = await generator.next()
    if (next.done === true) return { batches, outcome: next.value }
    batches.push(next.value)
  }
}

describe('syncing one account', () => {
  it('hands fetchers the decoded config and releases the session at the end', async () => {
    const released: string[] = []
    const { batches, outcome } = await run({ tenant: 't' }, released)
    expect(outcome).toEqual({ account: 't', complete: true, completedEntities: ['groups', 'memberships', 'users'], errors: [] })
    expect(batches.filter((b) => b.entity === 'users').flatMap((b) => b.records.map((u) => (u as User).roles))).toEqual([['admins'], ['admins']])
    expect(released).toEqual(['t'])
  })

  it('skips a fetcher whose required input failed, runs one whose optional input failed with the field unknown', async () => {
    const { batches, outcome } = await run({ tenant: 't', failGroups: true })
    expect(outcome.complete).toBe(false)
    expect(outcome.completedEntities).toEqual(['users'])
    expect(outcome.errors.map((e) => e.reason)).toEqual(['AccessDenied'])
    expect(batches.map((b) => b.entity)).toEqual(['users', 'users'])
    expect(batches.flatMap((b) => b.records.map((u) => 'roles' in (u as object)))).toEqual([false, false])
  })

  it('stops a listing at a record that does not fit the canonical model, naming it and its field', async () => {
    const { batches, outcome } = await run({ tenant: 't', badUser: true })
    expect(outcome.complete).toBe(false)
    expect(outcome.errors[0]).toMatchObject({ reason: 'Upstream', operation: 'users (mapping)', detail: expect.stringContaining('user "u2" does not fit the canonical model: createdAt: expected an ISO-8601 date-time') })
    expect(batches.filter((b) => b.entity === 'users')).toEqual([])
  })

  it('releases the session when the consumer stops early', async () => {
    const released: string[] = []
    const generator = syncAccount(tiny(released), { tenant: 't' }, defaultRunContext())
    await generator.next()
    await generator.return({ account: 't', complete: false, completedEntities: [], errors: [] })
    expect(released).toEqual(['t'])
  })

  it('refuses a config with an unknown key, naming it', async () => {
    const { outcome } = await run({ tenant: 't', tag: true })
    expect(outcome.errors[0]).toMatchObject({ reason: 'InvalidConfig', issues: ['tag: unknown key — did you mean "tags"?'] })
  })
})

describe('the connection check derived from the manifest', () => {
  it('runs config, authentication, then one probe per permission the config needs; optional ones only when enabled', async () => {
    const probed: string[] = []
    const released: string[] = []
    const plain = await checkConnector(tiny(released, probed), { tenant: 't' }, defaultRunContext())()
    expect(plain.steps.map((s) => `${s.step}:${s.status}`)).toEqual(['config:ok', 'token.verify:ok', 'users.read:ok', 'groups.read:ok', 'members.read:ok'])
    const tagged = await checkConnector(tiny(released, probed), { tenant: 't', tags: true }, defaultRunContext())()
    expect(tagged.steps.map((s) => s.step)).toEqual(['config', 'token.verify', 'users.read', 'groups.read', 'members.read', 'users.tags'])
    expect(probed).toEqual(['users.read', 'groups.read', 'members.read', 'users.read', 'groups.read', 'members.read', 'users.tags'])
    expect(released).toEqual(['t', 't'])
  })

  it('stops at a bad config and reports every later step skipped', async () => {
    const report = await checkConnector(tiny([]), { tenant: 1 }, defaultRunContext())()
    expect(report.steps.map((s) => `${s.step}:${s.status}`)).toEqual(['config:failed', 'token.verify:skipped', 'users.read:skipped', 'groups.read:skipped', 'members.read:skipped'])
  })

  it('refuses, at definition, a permission without a probe and a probe without a permission', () => {
    const released: string[] = []
    const base = tiny(released)
    const users = base.fetchers.users
    expect(() => defineConnector({ ...base, fetchers: { ...base.fetchers, users: { ...users, fetch: users?.fetch ?? base.fetchers.users!.fetch, probes: { 'users.read': users!.probes!['users.read']!, 'users.write': users!.probes!['users.read']! } } } })).toThrow(
      /fetchers\.users\.probes: no probe for users\.tags, which manifest\.fetchers declares[\s\S]*fetchers\.users\.probes: users\.write is not declared in manifest\.fetchers/,
    )
  })
})
