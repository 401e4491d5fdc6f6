/**
 * The templates against the real connector: a generated aws-assume-role connector has `packages/aws-iam`'s layout,
 * its package-level config files byte for byte, and its dependency versions. When aws-iam moves, this fails until
 * the templates follow.
 */
import type { Tree } from '@nx/devkit'
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import connectorGenerator from './generator.js'

const AWS_IAM = join(import.meta.dirname, '../../../../../packages/aws-iam')
const NAME = 'drift-check'

/** Files under `dir` on disk, relative, sorted; node_modules left out. */
function filesOnDisk(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .filter((entry) => entry !== 'node_modules')
    .flatMap((entry) => (statSync(join(dir, entry)).isDirectory() ? filesOnDisk(join(dir, entry), `${prefix}${entry}/`) : [`${prefix}${entry}`]))
    .sort()
}

/** Files under `dir` in the tree, relative, sorted. */
function filesInTree(tree: Tree, dir: string, prefix = ''): string[] {
  return tree
    .children(dir)
    .flatMap((entry) => (tree.isFile(`${dir}/${entry}`) ? [`${prefix}${entry}`] : filesInTree(tree, `${dir}/${entry}`, `${prefix}${entry}/`)))
    .sort()
}

/** The files of the connector's code (specs left out), by folder: `.`, `src`, `src/fetchers`, `src/mappers`. */
function layout(files: ReadonlyArray<string>): Record<string, string[]> {
  const byFolder: Record<string, string[]> = {}
  for (const file of files.filter((f) => !f.endsWith('.spec.ts'))) {
    const slash = file.lastIndexOf('/')
    const folder = slash < 0 ? '.' : file.slice(0, slash)
    ;(byFolder[folder] ??= []).push(file.slice(slash + 1))
  }
  return byFolder
}

type PackageJson = { type?: string; scripts?: Record<string, string>; nx?: { tags?: string[] }; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }

describe('templates against packages/aws-iam', () => {
  let generated: Record<string, string[]>
  let real: Record<string, string[]>
  let tree: Tree
  beforeAll(async () => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' })
    await connectorGenerator(tree, { name: NAME, auth: 'aws-assume-role', skipInstall: true })
    generated = layout(filesInTree(tree, `packages/${NAME}`))
    real = layout(filesOnDisk(AWS_IAM))
  })

  it('has the same folders, and the same package-level files', () => {
    expect(Object.keys(generated).sort()).toEqual(Object.keys(real).sort())
    expect(generated['.']).toEqual(real['.'])
  })

  it('has index, config, auth, manifest and testing where aws-iam has them, and no file aws-iam lacks', () => {
    for (const file of ['index.ts', 'config.ts', 'auth.ts', 'manifest.ts', 'testing.ts']) {
      expect(real['src'], `aws-iam lost src/${file}`).toContain(file)
      expect(generated['src'], `the template lost src/${file}`).toContain(file)
    }
    for (const folder of ['src', 'src/fetchers', 'src/mappers']) {
      const extra = (generated[folder] ?? []).filter((f) => !(real[folder] ?? []).includes(f))
      expect({ folder, extra }).toEqual({ folder, extra: [] })
    }
    expect(generated['src/fetchers']).toEqual(['groups.ts', 'memberships.ts', 'pages.ts', 'users.ts'])
    expect(generated['src/mappers']).toEqual(['group.ts', 'user.ts'])
  })

  it('writes eslint.config.js, tsconfig.json and vitest.config.ts byte for byte as aws-iam has them', () => {
    for (const file of ['eslint.config.js', 'tsconfig.json', 'vitest.config.ts']) {
      expect(tree.read(`packages/${NAME}/${file}`, 'utf-8'), file).toBe(readFileSync(join(AWS_IAM, file), 'utf-8'))
    }
  })

  it("declares aws-iam's module type, scripts, tag and dependency versions, and no dependency aws-iam lacks", () => {
    const ours = JSON.parse(tree.read(`packages/${NAME}/package.json`, 'utf-8') ?? '{}') as PackageJson
    const theirs = JSON.parse(readFileSync(join(AWS_IAM, 'package.json'), 'utf-8')) as PackageJson
    expect({ type: ours.type, scripts: ours.scripts, tags: ours.nx?.tags }).toEqual({ type: theirs.type, scripts: theirs.scripts, tags: theirs.nx?.tags })
    const theirVersions = { ...theirs.devDependencies, ...theirs.dependencies }
    for (const [kind, deps] of [['dependencies', ours.dependencies], ['devDependencies', ours.devDependencies]] as const) {
      for (const [name, version] of Object.entries(deps ?? {})) expect({ kind, name, version }).toEqual({ kind, name, version: theirVersions[name] })
    }
    // What the template's code imports at run time, aws-iam depends on too (not as a dev dependency).
    for (const name of Object.keys(ours.dependencies ?? {})) expect(Object.keys(theirs.dependencies ?? {}), name).toContain(name)
  })

  it('gives the api-key connector the same layout', async () => {
    const apiKey = createTreeWithEmptyWorkspace({ formatter: 'none' })
    await connectorGenerator(apiKey, { name: NAME, auth: 'api-key', skipInstall: true })
    expect(filesInTree(apiKey, `packages/${NAME}`)).toEqual(filesInTree(tree, `packages/${NAME}`))
  })
})
