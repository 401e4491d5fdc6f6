import { describe, expect, it } from 'vitest'
import { conformanceChecks, describeConnectorConformance, type ConformanceHarness, type HarnessUpstream } from '../conformance.js'
import { exampleConnector, type DirectoryLookup } from './example-connector.js'
import { FakeDirectory, sampleDirectory, type Permission } from './fake-directory.js'

const TOKEN = 'tok_example123'
/** The fake directory serves at most 3 items a page; an empty listing is still one page. */
const pagesFor = (items: number) => Math.max(1, Math.ceil(items / 3))

/** Each started upstream is a fresh directory under its own tenant, so runs never share state. */
function makeHarness(): { harness: ConformanceHarness; lookup: DirectoryLookup } {
  const directories = new Map<string, FakeDirectory>()
  let n = 0
  const start = async (options: { token?: string; permissions?: ReadonlyArray<Permission> } = {}): Promise<HarnessUpstream> => {
    const tenant = `tenant-${++n}`
    const directory = new FakeDirectory(sampleDirectory, TOKEN, options.permissions)
    directories.set(tenant, directory)
    return {
      config: { tenant, token: options.token ?? TOKEN },
      expected: { users: sampleDirectory.users.length, groups: sampleDirectory.groups.length, memberships: sampleDirectory.groups.reduce((n, g) => n + g.members.length, 0) },
      pagesServed: () => directory.pagesServed,
      minimumPages: pagesFor(sampleDirectory.users.length) + pagesFor(sampleDirectory.groups.length) + sampleDirectory.groups.reduce((n, g) => n + pagesFor(g.members.length), 0),
      stop: async () => void directories.delete(tenant),
    }
  }
  const lookup: DirectoryLookup = (tenant) => {
    const d = directories.get(tenant)
    if (d === undefined) throw new Error(`no directory for ${tenant}`)
    return d
  }
  return {
    lookup,
    harness: {
      start: () => start(),
      invalidConfig: { config: { tenant: 'Not A Tenant', token: TOKEN }, path: 'tenant' },
      faults: [
        { name: 'rejected token', start: () => start({ token: 'tok_wrong0000' }), reason: 'AuthFailed', failingStep: 'users.read' },
        { name: 'token without members.read', start: () => start({ permissions: ['users.read', 'groups.read'] }), reason: 'AccessDenied', failingStep: 'members.read' },
      ],
    },
  }
}

const example = makeHarness()
describeConnectorConformance(exampleConnector(example.lookup), example.harness)

describe('the conformance suite', () => {
  async function failuresOf(build: (lookup: DirectoryLookup) => ReturnType<typeof exampleConnector>) {
    const { harness, lookup } = makeHarness()
    const failed: string[] = []
    for (const check of conformanceChecks(build(lookup), harness)) {
      try {
        await check.run()
      } catch {
        failed.push(check.name)
      }
    }
    return failed
  }

  it('passes the example connector on every check', async () => {
    expect(await failuresOf(exampleConnector)).toEqual([])
  })

  it('fails a connector that stops after the first page', async () => {
    const firstPageOnly = (lookup: DirectoryLookup) =>
      exampleConnector((tenant) => {
        const d = lookup(tenant)
        const cut = <A>(p: Promise<{ items: ReadonlyArray<A> }>) => p.then(({ items }) => ({ items }))
        return Object.assign(Object.create(d) as FakeDirectory, {
          listUsers: (...a: Parameters<FakeDirectory['listUsers']>) => cut(d.listUsers(...a)),
          listGroups: (...a: Parameters<FakeDirectory['listGroups']>) => cut(d.listGroups(...a)),
          listMembers: (...a: Parameters<FakeDirectory['listMembers']>) => cut(d.listMembers(...a)),
        })
      })
    const failed = await failuresOf(firstPageOnly)
    expect(failed).toContain('exhausts pagination across short pages')
    expect(failed).toContain('produces every declared entity kind, exactly the harness data, and nothing undeclared')
  })

  it('fails a connector whose check skips config validation and misreports failures', async () => {
    const sloppy = (lookup: DirectoryLookup) => ({
      ...exampleConnector(lookup),
      check: () => async () => ({ ok: true, account: 'acme', steps: [{ step: 'config', status: 'ok' as const }] }),
    })
    expect(await failuresOf(sloppy)).toEqual(
      expect.arrayContaining([
        'rejects a bad config with InvalidConfig naming the path, in sync and in check',
        'classifies "rejected token" as AuthFailed, and check names users.read first',
      ]),
    )
  })

  it('fails a connector whose manifest and fetchers disagree', async () => {
    const undeclared = (lookup: DirectoryLookup) => {
      const real = exampleConnector(lookup)
      return { ...real, manifest: { ...real.manifest, entities: ['users', 'groups'] } } as unknown as ReturnType<typeof exampleConnector>
    }
    const failed = await failuresOf(undeclared)
    expect(failed).toContain('is a valid connector definition with a decodable manifest')
    expect(failed).toContain('produces every declared entity kind, exactly the harness data, and nothing undeclared')
  })
})
