/**
 * A tiny connector over {@link FakeDirectory}, written the way real connectors are: a config codec, auth,
 * fetchers built on core's pagination and concurrency, errors translated once.
 */
import {
  AdaptiveLimiter,
  ConnectorError,
  defineConnector,
  mapConcurrent,
  mapStream,
  paginate,
  patternString,
  strictObject,
  type ErrorScope,
  type Membership,
  type Stream,
} from '@connectors/core'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import { FakeApiError, type FakeDirectory, type Page } from './fake-directory.js'

const TenantName = patternString('TenantName', { pattern: /^[a-z][a-z0-9-]{1,30}$/, expected: 'a tenant name like acme-corp' })
const ApiToken = patternString('ApiToken', { pattern: /^tok_\w{4,}$/, expected: 'an API token like tok_XXXX', sensitive: true })

export const ExampleConfig = strictObject('ExampleConfig', { tenant: TenantName, token: ApiToken })
export type ExampleConfig = t.TypeOf<typeof ExampleConfig>

interface Session {
  readonly tenant: string
  readonly directory: FakeDirectory
  readonly call: <A>(operation: string, f: (token: string) => Promise<A>) => TE.TaskEither<ConnectorError, A>
}

function translate(scope: ErrorScope, thrown: unknown): ConnectorError {
  if (!(thrown instanceof FakeApiError)) return ConnectorError.internal({ ...scope, detail: String(thrown) })
  switch (thrown.status) {
    case 401:
      return ConnectorError.authFailed({ ...scope, detail: 'the API token was rejected', fix: 'issue a new token' })
    case 403: {
      const permission = thrown.code.replace('missing_scope:', '')
      return ConnectorError.accessDenied({ ...scope, detail: 'the token lacks a scope', permission, fix: `grant the token ${permission}` })
    }
    case 429:
      return ConnectorError.throttled({ ...scope, detail: 'rate limited' })
    default:
      return ConnectorError.transient({ ...scope, detail: thrown.code })
  }
}

const ID = 'example-directory'

function pages<A>(session: Session, operation: string, f: (token: string, cursor: string | undefined) => Promise<Page<A>>): Stream<Page<A>> {
  return paginate((cursor) => session.call(operation, (token) => f(token, cursor)), (p) => p.cursor, {
    scope: { connector: ID, account: session.tenant, operation },
  })
}

function itemsOf<A, B>(stream: Stream<Page<A>>, into: (a: A) => B): Stream<ReadonlyArray<B>> {
  return mapStream(stream, (page) => page.items.map(into))
}

/** Resolves a tenant to its directory, as a real connector resolves an endpoint from its config. */
export type DirectoryLookup = (tenant: string) => FakeDirectory

export function exampleConnector(lookup: DirectoryLookup) {
  return defineConnector<ExampleConfig, Session>({
    id: ID,
    displayName: 'Example directory',
    version: '1.0.0',
    config: ExampleConfig,
    manifest: {
      contractVersion: 1,
      userFields: [
        { name: 'Username', description: 'the directory name' },
        { name: 'Status', description: 'active while listed' },
      ],
      licenseTypes: ['Example seat'],
      entities: ['users', 'groups', 'memberships'],
      fetchers: [
        { entity: 'users', permissions: ['users.read'], description: 'lists users' },
        { entity: 'groups', permissions: ['groups.read'], description: 'lists groups' },
        { entity: 'memberships', permissions: ['members.read'], description: 'lists each group’s members' },
      ],
    },
    accountOf: (config) => config.tenant,
    auth: (config) =>
      TE.right({
        tenant: config.tenant,
        directory: lookup(config.tenant),
        call: (operation, f) => TE.tryCatch(() => f(config.token), (e) => translate({ connector: ID, account: config.tenant, operation }, e)),
      }),
    fetchers: {
      groups: {
        probes: { 'groups.read': (s) => s.call('groups.list', (tok) => s.directory.listGroups(tok, undefined, 1)) },
        fetch: (s) =>
          itemsOf(
            pages(s, 'groups.list', (tok, c) => s.directory.listGroups(tok, c, 100)),
            (g) => ({ accountId: s.tenant, id: g.id, name: g.name }),
          ),
      },
      memberships: {
        needs: ['groups'],
        probes: {
          // Members of the first group, when there is one: the cheapest call that needs members.read.
          'members.read': (s) =>
            pipe(
              s.call('groups.list', (tok) => s.directory.listGroups(tok, undefined, 1)),
              TE.chain((p) => {
                const first = p.items[0]
                return first === undefined ? TE.right(undefined) : s.call('members.list', (tok) => s.directory.listMembers(tok, first.id, undefined, 1))
              }),
            ),
        },
        fetch: (s, inputs) =>
          mapConcurrent(
            inputs.groups ?? [],
            (group) => async () => {
              const members: Membership[] = []
              for await (const page of pages(s, 'members.list', (tok, c) => s.directory.listMembers(tok, group.id, c, 100))) {
                if (E.isLeft(page)) return page
                for (const userId of page.right.items) members.push({ accountId: s.tenant, groupId: group.id, groupName: group.name, userId, username: userId })
              }
              return E.right(members)
            },
            new AdaptiveLimiter({ initial: 2, max: 4 }),
          ),
      },
      users: {
        // Users are listed even when memberships could not be: their roles are then unknown, not empty.
        uses: ['memberships'],
        probes: { 'users.read': (s) => s.call('users.list', (tok) => s.directory.listUsers(tok, undefined, 1)) },
        fetch: (s, inputs) =>
          itemsOf(
            pages(s, 'users.list', (tok, c) => s.directory.listUsers(tok, c, 100)),
            (u) => ({
              accountId: s.tenant,
              id: u.id,
              username: u.name,
              status: 'active' as const,
              ...(inputs.memberships !== undefined ? { roles: inputs.memberships.filter((m) => m.userId === u.id).map((m) => m.groupName) } : {}),
              licenses: ['Example seat'],
              createdAt: u.created,
            }),
          ),
      },
    },
  })
}
