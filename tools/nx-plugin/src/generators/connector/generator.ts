/**
 * The `connector` generator: `packages/<name>` in the settled connector layout (the one `packages/aws-iam` has), with
 * an in-process fake upstream and a conformance spec, so the new package passes lint, typecheck and its tests as
 * generated. Nothing is registered by hand: the runner discovers workspace packages tagged `type:connector`.
 *
 * Nx loads this file through @swc-node/register (compiled to CommonJS); the specs load it as ESM. It uses nothing
 * that differs between the two (`import.meta.dirname` becomes `__dirname` under swc).
 */
import { generateFiles, joinPathFragments, logger, names, readJson, writeJson, type GeneratorCallback, type Tree } from '@nx/devkit'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

/** How a generated connector authenticates. */
export const AUTH_KINDS = ['api-key', 'aws-assume-role'] as const
/** How a generated connector authenticates. */
export type AuthKind = (typeof AUTH_KINDS)[number]

/** The generator's options, as `nx g @connectors/nx-plugin:connector <name> [--display-name …] [--auth …]` passes them. */
export interface ConnectorGeneratorOptions {
  readonly name: string
  readonly displayName?: string
  readonly auth?: AuthKind
  readonly skipInstall?: boolean
}

/** A connector id: kebab-case, as `defineConnector` requires. */
export const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
/** The longest name: the AWS role and policy names derived from it stay within IAM's 64 characters. */
export const MAX_NAME_LENGTH = 40
/** What a display name may hold: it lands in string literals and doc comments of the generated code. */
export const DISPLAY_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} .&()+,:-]{0,63}$/u

/** Where the templates are: `common/` for every connector, then one folder per auth kind. */
export const TEMPLATES = join(import.meta.dirname, 'files')

/** The npm scope of the workspace's packages. */
export const SCOPE = '@connectors'

/** The package versions a generated connector depends on: those of `packages/aws-iam` (the drift spec holds them equal). */
export const PACKAGE_DEPENDENCIES: Readonly<Record<AuthKind, { readonly dependencies: Readonly<Record<string, string>>; readonly devDependencies: Readonly<Record<string, string>> }>> = {
  'api-key': {
    dependencies: { '@connectors/core': '*', 'fp-ts': '2.16.11', 'io-ts': '2.2.22' },
    devDependencies: { '@connectors/testkit': '*' },
  },
  'aws-assume-role': {
    dependencies: { '@aws-sdk/client-iam': '3.1169.0', '@connectors/aws': '*', '@connectors/core': '*', 'fp-ts': '2.16.11', 'io-ts': '2.2.22' },
    devDependencies: { '@aws-sdk/client-sts': '3.1169.0', '@connectors/testkit': '*', 'aws-sdk-client-mock': '4.1.0' },
  },
}

/** Words shown in capitals in a default display name. */
const ACRONYMS = new Set(['aws', 'iam', 'sso', 'api', 'gcp', 'hr', 'crm', 'saml', 'scim', 'ldap'])

/** The name in words: `acme-directory` → `Acme Directory`, `aws-sso` → `AWS SSO`. */
export function defaultDisplayName(name: string): string {
  return name
    .split('-')
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : `${w.charAt(0).toUpperCase()}${w.slice(1)}`))
    .join(' ')
}

/** The workspace's package folders (from the root package.json's `workspaces` globs) and their npm names. */
function workspacePackages(tree: Tree): ReadonlyArray<{ readonly folder: string; readonly name: string | undefined }> {
  const root = tree.exists('package.json') ? readJson<{ name?: string; workspaces?: unknown }>(tree, 'package.json') : {}
  const globs = Array.isArray(root.workspaces) ? root.workspaces.filter((w): w is string => typeof w === 'string') : ['packages/*']
  const found: Array<{ folder: string; name: string | undefined }> = [{ folder: '.', name: root.name }]
  for (const glob of globs) {
    const folders = glob.endsWith('/*') ? tree.children(glob.slice(0, -2)).map((c) => joinPathFragments(glob.slice(0, -2), c)) : [glob]
    for (const folder of folders) {
      const pkg = joinPathFragments(folder, 'package.json')
      if (tree.exists(pkg)) found.push({ folder, name: readJson<{ name?: string }>(tree, pkg).name })
    }
  }
  return found
}

/** Why `name` cannot be a new connector here, or undefined when it can. */
export function nameProblem(tree: Tree, name: string): string | undefined {
  if (!NAME_PATTERN.test(name)) {
    return `"${name}" is not a valid connector name: use kebab-case — lowercase letters and digits in words joined by single dashes, starting with a letter (e.g. acme-directory)`
  }
  if (name.length > MAX_NAME_LENGTH) return `"${name}" is too long: at most ${MAX_NAME_LENGTH} characters (the AWS role and policy names derived from it must fit IAM's 64)`
  const folder = joinPathFragments('packages', name)
  if (tree.exists(folder)) return `packages/${name} already exists: choose another name, or remove that folder first`
  const clash = workspacePackages(tree).find((p) => p.name === `${SCOPE}/${name}` || p.folder.split('/').pop() === name)
  if (clash !== undefined) return `"${name}" clashes with the workspace package ${clash.name ?? '(unnamed)'} in ${clash.folder}: choose another name`
  return undefined
}

/** Everything the templates are rendered with. */
export interface TemplateValues {
  /** The connector id and package folder (kebab-case). */
  readonly name: string
  readonly displayName: string
  /** `AcmeDirectory`: types and functions (`AcmeDirectoryConfig`, `createAcmeDirectoryConnector`). */
  readonly className: string
  /** `ACME_DIRECTORY`: constants. */
  readonly constantName: string
  /** The customer's AWS role in the setup kit (aws-assume-role). */
  readonly roleName: string
  readonly auth: AuthKind
}

/** The options checked and completed; throws an error saying what is wrong. */
export function normalizeOptions(tree: Tree, options: ConnectorGeneratorOptions): TemplateValues {
  const name = String(options.name ?? '').trim()
  const problem = nameProblem(tree, name)
  if (problem !== undefined) throw new Error(problem)
  const auth = options.auth ?? 'api-key'
  if (!AUTH_KINDS.includes(auth)) throw new Error(`--auth ${String(auth)}: expected one of ${AUTH_KINDS.join(', ')}`)
  const displayName = options.displayName?.trim() || defaultDisplayName(name)
  if (!DISPLAY_NAME_PATTERN.test(displayName)) {
    throw new Error(`--display-name ${JSON.stringify(displayName)}: expected 1–64 letters, digits, spaces and . & ( ) + , : -, starting with a letter or digit`)
  }
  const { className, constantName } = names(name)
  return { name, displayName, className, constantName, roleName: `Connectors${className}ReadOnly`, auth }
}

/** The generated package.json. */
function packageJson(values: TemplateValues): Record<string, unknown> {
  const deps = PACKAGE_DEPENDENCIES[values.auth]
  return {
    name: `${SCOPE}/${values.name}`,
    version: '0.1.0',
    private: true,
    type: 'module',
    description:
      values.auth === 'aws-assume-role'
        ? `The ${values.displayName} connector: AssumeRole with ExternalId, users, groups and memberships, least privilege`
        : `The ${values.displayName} connector: an API token, users, groups and memberships`,
    exports: { '.': './src/index.ts', './testing': './src/testing.ts' },
    scripts: { typecheck: 'tsc -p tsconfig.json' },
    nx: { tags: ['type:connector'] },
    dependencies: deps.dependencies,
    devDependencies: deps.devDependencies,
  }
}

/** What to do next, printed once the files are written. */
export function closingMessage(values: TemplateValues, installed: boolean): string {
  const root = `packages/${values.name}`
  const docs = values.auth === 'aws-assume-role' ? `README.md, docs/CAPABILITIES.md and docs/connectors/${values.name}/` : 'README.md and docs/CAPABILITIES.md'
  return [
    `Created ${root}: the ${values.displayName} connector (${values.auth}), @connectors/${values.name}.`,
    installed ? '' : `First run \`npm install\`: it links @connectors/${values.name} into node_modules and records it in package-lock.json (npm ci fails until then).`,
    'Fill in, in this order:',
    `  1. ${root}/src/config.ts — the config codec (strictObject; mark secrets sensitive)`,
    `  2. ${root}/src/manifest.ts — user fields, license types, and each fetcher's exact permissions (each one needs a probe)`,
    `  3. ${root}/src/fetchers/ and src/mappers/ — the upstream calls, their pagination, and the mapping to canonical records`,
    `  4. ${root}/src/testing.ts — the fake upstream its specs run against, kept speaking the real API`,
    `Check it: npx nx run-many -t lint typecheck test --projects=@connectors/${values.name}`,
    `The runner finds it with no registration (a workspace package tagged type:connector): npm run connectors -- list`,
    `The generated docs are now stale — \`npm run connectors -- capabilities --check\` (and so \`npm test\`) fails until you run \`npm run connectors -- capabilities --write\`, which updates ${docs}.`,
  ]
    .filter((line) => line !== '')
    .join('\n')
}

/** Generates `packages/<name>`; returns the step that installs and prints what to do next (skipped by `--dry-run`). */
export default async function connectorGenerator(tree: Tree, options: ConnectorGeneratorOptions): Promise<GeneratorCallback> {
  const values = normalizeOptions(tree, options)
  const target = joinPathFragments('packages', values.name)
  const substitutions = { ...values, tmpl: '' }
  generateFiles(tree, join(TEMPLATES, 'common'), target, substitutions)
  generateFiles(tree, join(TEMPLATES, values.auth), target, substitutions)
  writeJson(tree, joinPathFragments(target, 'package.json'), packageJson(values))
  return () => {
    let installed = false
    if (options.skipInstall !== true) {
      try {
        execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: tree.root, stdio: 'inherit' })
        installed = true
      } catch {
        logger.warn('npm install failed: run it yourself before using the new package')
      }
    }
    logger.info(closingMessage(values, installed))
  }
}
