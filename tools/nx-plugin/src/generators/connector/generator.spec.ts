/** The generator over an in-memory workspace: the files it writes, their key contents, its refusals, and dry runs. */
import { logger, type Tree } from '@nx/devkit'
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FsTree } from 'nx/src/generators/tree.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import connectorGenerator, { closingMessage, defaultDisplayName, normalizeOptions, type ConnectorGeneratorOptions } from './generator.js'

/** The files every connector gets, whatever its auth (the spec is named after the connector). */
const filesOf = (name: string) =>
  [
    'eslint.config.js',
    'package.json',
    `src/${name}.conformance.spec.ts`,
    'src/auth.ts',
    'src/config.ts',
    'src/fetchers/groups.ts',
    'src/fetchers/memberships.ts',
    'src/fetchers/pages.ts',
    'src/fetchers/users.ts',
    'src/index.ts',
    'src/manifest.ts',
    'src/mappers.spec.ts',
    'src/mappers/group.ts',
    'src/mappers/user.ts',
    'src/testing.ts',
    'tsconfig.json',
    'vitest.config.ts',
  ].map((f) => `packages/${name}/${f}`)

/** Every file under `dir` in the tree, sorted. */
function filesUnder(tree: Tree, dir: string): string[] {
  return tree.children(dir).flatMap((child) => (tree.isFile(`${dir}/${child}`) ? [`${dir}/${child}`] : filesUnder(tree, `${dir}/${child}`))).sort()
}

/** An empty workspace with this repository's workspaces and a few packages in them. */
function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' })
  tree.write('package.json', JSON.stringify({ name: '@connectors/source', private: true, workspaces: ['packages/*', 'tools/*'] }))
  tree.write('packages/aws-iam/package.json', JSON.stringify({ name: '@connectors/aws-iam', nx: { tags: ['type:connector'] } }))
  tree.write('tools/aws-sandbox/package.json', JSON.stringify({ name: '@connectors/aws-sandbox' }))
  tree.write('tools/odd-folder/package.json', JSON.stringify({ name: '@connectors/renamed-tool' }))
  return tree
}

const generate = (tree: Tree, options: ConnectorGeneratorOptions) => connectorGenerator(tree, { skipInstall: true, ...options })
const read = (tree: Tree, path: string) => tree.read(path, 'utf-8') ?? ''

describe('connector generator: files', () => {
  let tree: Tree
  beforeEach(() => {
    tree = workspace()
  })

  it('writes the settled layout for an api-key connector, with every template rendered', async () => {
    await generate(tree, { name: 'acme-directory' })
    expect(filesUnder(tree, 'packages/acme-directory')).toEqual(filesOf('acme-directory').sort())
    for (const file of filesUnder(tree, 'packages/acme-directory')) {
      expect(read(tree, file), file).not.toMatch(/<%|%>|__name__|__tmpl__/)
    }
  })

  it('writes the same layout for an aws-assume-role connector', async () => {
    await generate(tree, { name: 'aws-widgets', auth: 'aws-assume-role' })
    expect(filesUnder(tree, 'packages/aws-widgets')).toEqual(filesOf('aws-widgets').sort())
  })

  it('writes a workspace package the runner discovers: scoped name, ESM, exports, tag, dependencies', async () => {
    await generate(tree, { name: 'acme-directory' })
    const pkg = JSON.parse(read(tree, 'packages/acme-directory/package.json')) as Record<string, unknown>
    expect(pkg).toMatchObject({
      name: '@connectors/acme-directory',
      type: 'module',
      exports: { '.': './src/index.ts', './testing': './src/testing.ts' },
      scripts: { typecheck: 'tsc -p tsconfig.json' },
      nx: { tags: ['type:connector'] },
      dependencies: { '@connectors/core': '*', 'fp-ts': '2.16.11', 'io-ts': '2.2.22' },
      devDependencies: { '@connectors/testkit': '*' },
    })
    await generate(tree, { name: 'aws-widgets', auth: 'aws-assume-role' })
    const aws = JSON.parse(read(tree, 'packages/aws-widgets/package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> }
    expect(Object.keys(aws.dependencies)).toEqual(['@aws-sdk/client-iam', '@connectors/aws', '@connectors/core', 'fp-ts', 'io-ts'])
    expect(Object.keys(aws.devDependencies)).toEqual(['@aws-sdk/client-sts', '@connectors/testkit', 'aws-sdk-client-mock'])
  })

  it('api-key: a strict config with the token sensitive, a manifest with an auth step, a probe per permission', async () => {
    await generate(tree, { name: 'acme-directory' })
    const src = (f: string) => read(tree, `packages/acme-directory/src/${f}`)
    expect(src('config.ts')).toContain("export const AcmeDirectoryConfig = strictObject(\n  'AcmeDirectoryConfig',")
    expect(src('config.ts')).toMatch(/ApiToken = patternString\('ApiToken', \{\n(  [^\n]*\n)*  sensitive: true,\n\}\)/)
    expect(src('manifest.ts')).toContain('contractVersion: 1')
    expect(src('manifest.ts')).toContain("authOperation: 'token:verify'")
    expect(src('manifest.ts')).toContain("licenseTypes: [ACME_DIRECTORY_LICENSE]")
    expect(src('manifest.ts')).toContain("entities: ['users', 'groups', 'memberships']")
    const permissions = [...src('manifest.ts').matchAll(/permissions: \['([^']+)'\]/g)].map((m) => m[1])
    expect(permissions).toEqual(['users:read', 'groups:read', 'members:read'])
    const fetchers = ['users', 'groups', 'memberships'].map((f) => src(`fetchers/${f}.ts`)).join('\n')
    for (const permission of permissions) expect(fetchers).toContain(`'${permission}': (session) =>`)
    expect(src('index.ts')).toContain('defineConnector<AcmeDirectoryConfig, AcmeDirectorySession>({')
    expect(src('index.ts')).toContain("displayName: 'Acme Directory'")
    expect(src('index.ts')).toContain('export const connector = createAcmeDirectoryConnector()\nexport default connector')
  })

  it('aws-assume-role: builds on @connectors/aws — its codecs, assumeRole, sdkCall, sdkPages and the setup kit', async () => {
    await generate(tree, { name: 'aws-widgets', auth: 'aws-assume-role', displayName: 'AWS Widgets' })
    const src = (f: string) => read(tree, `packages/aws-widgets/src/${f}`)
    expect(src('config.ts')).toMatch(/import \{[^}]*ExternalId[^}]*Region[^}]*RoleArn[^}]*\} from '@connectors\/aws'/)
    expect(src('config.ts')).toContain("strictObject(\n  'AwsWidgetsConfigFields',")
    expect(src('auth.ts')).toContain('assumeRole({ id: CONNECTOR_ID, permissions: () => POLICY.permissions, policySid: POLICY.sid }, deps)')
    expect(src('manifest.ts')).toContain("authOperation: 'sts:AssumeRole'")
    expect(src('manifest.ts')).toContain("sid: 'ConnectorsReadAwsWidgets'")
    expect(src('fetchers/users.ts')).toContain("sdkPages(session, 'iam:ListUsers'")
    expect(src('fetchers/memberships.ts')).toContain("'iam:GetGroup': (session) => allowedIfNotFound(sdkCall(")
    expect(src('index.ts')).toContain("awsSetupKit({ connectorId: CONNECTOR_ID, displayName: 'AWS Widgets', manifest, roleName: 'ConnectorsAwsWidgetsReadOnly'")
    expect(src('testing.ts')).toContain("from 'aws-sdk-client-mock'")
  })

  it('wires the conformance suite over the fake upstream, with minimumPages computed from the fixture', async () => {
    for (const [name, auth] of [['acme-directory', 'api-key'], ['aws-widgets', 'aws-assume-role']] as const) {
      await generate(tree, { name, auth })
      const spec = read(tree, `packages/${name}/src/${name}.conformance.spec.ts`)
      expect(spec).toContain('describeConnectorConformance(connector, {')
      expect(spec).toContain('start: () => harnessUpstream(),')
      const testing = read(tree, `packages/${name}/src/testing.ts`)
      expect(testing).toContain('minimumPages: minimumPages(data, options.pageSize ?? 3),')
      expect(testing).toContain('export function minimumPages(data: FakeData, pageSize: number): number {')
    }
  })

  it('derives a display name from the name, or takes the one given', async () => {
    expect(defaultDisplayName('acme-directory')).toBe('Acme Directory')
    expect(defaultDisplayName('aws-sso-admin')).toBe('AWS SSO Admin')
    await generate(tree, { name: 'okta', displayName: 'Okta Workforce' })
    expect(read(tree, 'packages/okta/src/index.ts')).toContain("displayName: 'Okta Workforce'")
  })
})

describe('connector generator: refusals', () => {
  let tree: Tree
  beforeEach(() => {
    tree = workspace()
  })

  it.each(['Acme', 'acme_directory', '1acme', 'acme--directory', '-acme', 'acme-', 'acme directory', 'acme.io', ''])('refuses %j: not kebab-case', async (name) => {
    const before = tree.listChanges().length
    await expect(generate(tree, { name })).rejects.toThrow(/is not a valid connector name: use kebab-case/)
    expect(tree.listChanges()).toHaveLength(before)
  })

  it('refuses a name too long for the AWS names derived from it', async () => {
    await expect(generate(tree, { name: `a${'-b'.repeat(25)}` })).rejects.toThrow(/too long: at most 40 characters/)
  })

  it('refuses a name whose folder exists', async () => {
    tree.write('packages/half-done/README.md', 'x')
    await expect(generate(tree, { name: 'half-done' })).rejects.toThrow('packages/half-done already exists')
    await expect(generate(tree, { name: 'aws-iam' })).rejects.toThrow('packages/aws-iam already exists')
  })

  it('refuses a name that clashes with another workspace package, by folder or by npm name', async () => {
    await expect(generate(tree, { name: 'aws-sandbox' })).rejects.toThrow('clashes with the workspace package @connectors/aws-sandbox in tools/aws-sandbox')
    await expect(generate(tree, { name: 'renamed-tool' })).rejects.toThrow('clashes with the workspace package @connectors/renamed-tool in tools/odd-folder')
    await expect(generate(tree, { name: 'source' })).rejects.toThrow('clashes with the workspace package @connectors/source')
  })

  it('refuses a display name that cannot sit in the generated code, and an unknown auth', async () => {
    await expect(generate(tree, { name: 'acme', displayName: "O'Reilly" })).rejects.toThrow(/--display-name "O'Reilly": expected/)
    await expect(generate(tree, { name: 'acme', auth: 'oauth' as never })).rejects.toThrow('--auth oauth: expected one of api-key, aws-assume-role')
  })
})

describe('connector generator: dry run and what comes after', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-plugin-dry-'))
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@connectors/source', workspaces: ['packages/*'] }))
  })
  afterEach(() => {
    rmSync(root, { recursive: true, force: true })
    vi.restoreAllMocks()
  })

  it('writes nothing until nx flushes the tree (what --dry-run leaves out), and lists the files', async () => {
    const tree = new FsTree(root, false)
    const after = await generate(tree, { name: 'acme-directory' })
    expect(readdirSync(root)).toEqual(['package.json'])
    expect(tree.listChanges().map((c) => `${c.type} ${c.path}`).sort()).toEqual(filesOf('acme-directory').map((f) => `CREATE ${f}`).sort())
    expect(typeof after).toBe('function')
  })

  it('says what to fill in, and that the generated docs are stale until capabilities --write', async () => {
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined)
    const after = await generate(new FsTree(root, false), { name: 'aws-widgets', auth: 'aws-assume-role' })
    after()
    const message = String(info.mock.calls.at(-1)?.[0])
    for (const part of [
      'packages/aws-widgets/src/config.ts',
      'packages/aws-widgets/src/manifest.ts',
      'packages/aws-widgets/src/fetchers/ and src/mappers/',
      'packages/aws-widgets/src/testing.ts',
      '`npm run connectors -- capabilities --check` (and so `npm test`) fails until you run `npm run connectors -- capabilities --write`',
      'docs/connectors/aws-widgets/',
      'First run `npm install`',
    ]) {
      expect(message).toContain(part)
    }
    expect(closingMessage(normalizeOptions(workspace(), { name: 'acme' }), true)).not.toContain('npm install')
  })
})
