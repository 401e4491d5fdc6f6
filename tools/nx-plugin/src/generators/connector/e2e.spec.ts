/**
 * The end-to-end proof: in a copy of this workspace, `nx g` (and the root `npm run new-connector`) generate one
 * connector of each auth kind, and each passes eslint, tsc, its own vitest specs and the runner's discovery with no
 * edits. The copy shares the root node_modules by symlinks, except `@connectors/*`, whose links point into the copy's
 * own packages as npm would make them.
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../../../../..')
/** What the copy leaves out: installs, history, caches and outputs. */
const LEFT_OUT = new Set(['node_modules', '.git', '.nx', 'out', '.connectors', 'tmp', 'dist'])

const API_KEY = 'e2e-directory'
const AWS = 'aws-e2e-widgets'
const DRY = 'e2e-dry-run'

interface Run {
  readonly code: number
  readonly output: string
}

/** The environment of a command in the copy: none of this test run's own nx, npm or vitest settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(NX_|VITEST|npm_|INIT_CWD$|NODE_OPTIONS$)/i.test(key)))
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }
}

/** Runs `command args` in `cwd`, resolving with its exit code and its stdout and stderr together. */
function run(cwd: string, command: string, args: ReadonlyArray<string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, output: `${stdout}${stderr}` })
    })
  })
}

/** Runs and expects success, showing the command's output when it fails. */
async function ok(cwd: string, command: string, args: ReadonlyArray<string>): Promise<string> {
  const result = await run(cwd, command, args)
  expect(result.code, `${command} ${args.join(' ')} failed:\n${result.output}`).toBe(0)
  return result.output
}

/** A copy of the workspace in a temporary folder, sharing the root node_modules. */
function copyWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nx-plugin-e2e-'))
  for (const entry of readdirSync(ROOT)) {
    if (LEFT_OUT.has(entry)) continue
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true, verbatimSymlinks: true, filter: (source) => basename(source) !== '.nx' })
  }
  const modules = join(ROOT, 'node_modules')
  mkdirSync(join(dir, 'node_modules', '@connectors'), { recursive: true })
  for (const entry of readdirSync(modules)) {
    if (entry === '@connectors' || (entry.startsWith('.') && entry !== '.bin')) continue
    symlinkSync(join(modules, entry), join(dir, 'node_modules', entry))
  }
  // Workspace packages are relative links (../../packages/x): recreated inside the copy, they point at its packages.
  for (const entry of readdirSync(join(modules, '@connectors'))) link(dir, entry, readlinkSync(join(modules, '@connectors', entry)))
  return dir
}

/** node_modules/@connectors/<name> → `target`, as `npm install` links a workspace package. */
function link(dir: string, name: string, target: string): void {
  symlinkSync(target, join(dir, 'node_modules', '@connectors', name))
}

/** Each check runs tsc, eslint or vitest over a workspace: minutes, not seconds, on a busy two-core machine. */
const SLOW = { timeout: 240_000 }

describe('the generated connectors in a copy of the workspace', SLOW, () => {
  let dir: string
  let dryRun: Run
  let generated: Record<string, string>

  beforeAll(async () => {
    dir = copyWorkspace()
    dryRun = await run(dir, 'npx', ['nx', 'g', '@connectors/nx-plugin:connector', DRY, '--dry-run'])
    generated = {
      [API_KEY]: await ok(dir, 'npx', ['nx', 'g', '@connectors/nx-plugin:connector', API_KEY, '--display-name', 'E2E Directory', '--auth', 'api-key', '--skip-install']),
      [AWS]: await ok(dir, 'npm', ['run', 'new-connector', '--', AWS, '--auth', 'aws-assume-role', '--skip-install']),
    }
    for (const name of [API_KEY, AWS]) link(dir, name, `../../packages/${name}`)
  }, 300_000)

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it('--dry-run lists the files and writes none', () => {
    expect(dryRun.code, dryRun.output).toBe(0)
    const listed = [...dryRun.output.matchAll(/^CREATE (\S+)/gm)].map((m) => m[1])
    expect(listed).toContain(`packages/${DRY}/package.json`)
    expect(listed).toContain(`packages/${DRY}/src/${DRY}.conformance.spec.ts`)
    expect(listed).toHaveLength(17)
    expect(existsSync(join(dir, 'packages', DRY))).toBe(false)
  })

  it('generates through `nx g` and `npm run new-connector`, and says what comes next', () => {
    for (const name of [API_KEY, AWS]) {
      expect(generated[name]).toContain(`Created packages/${name}`)
      expect(generated[name]).toContain('capabilities --write')
    }
    expect(JSON.parse(readFileSync(join(dir, 'packages', AWS, 'package.json'), 'utf-8'))).toMatchObject({ name: `@connectors/${AWS}`, nx: { tags: ['type:connector'] } })
  })

  describe.concurrent('passes, with no edits', SLOW, () => {
    it('eslint', async () => {
      await ok(dir, 'npx', ['eslint', `packages/${API_KEY}`, `packages/${AWS}`])
    })

    it.each([API_KEY, AWS])('tsc: %s', async (name) => {
      await ok(dir, 'npx', ['tsc', '-p', `packages/${name}/tsconfig.json`, '--noEmit'])
    })

    it.each([API_KEY, AWS])('its own specs, conformance included: %s', async (name) => {
      const output = await ok(dir, 'npx', ['vitest', 'run', '--root', `packages/${name}`])
      expect(output).toMatch(new RegExp(`✓ src/${name}\\.conformance\\.spec\\.ts`))
      // Every test passed: none failed, none skipped (vitest's summary would list them before the total).
      const [, passed, total] = /Tests\s+(\d+) passed \((\d+)\)/.exec(output) ?? []
      expect({ passed, total }).toEqual({ passed: total, total: expect.stringMatching(/^\d+$/) })
      expect(Number(total)).toBeGreaterThan(10)
    })

    it('connectors list discovers both, and capabilities are stale until --write', async () => {
      const list = await ok(dir, 'node', ['packages/runner/bin/connectors.js', 'list'])
      expect(list).toContain(`${API_KEY}\t0.1.0\tE2E Directory`)
      expect(list).toContain(`${AWS}\t0.1.0\tAWS E2e Widgets`)
      const stale = await run(dir, 'node', ['packages/runner/bin/connectors.js', 'capabilities', '--check'])
      expect(stale.code).toBe(1)
      expect(stale.output).toContain('README.md')
      expect(stale.output).toContain(`docs/connectors/${AWS}/permission-policy.json`)
      await ok(dir, 'node', ['packages/runner/bin/connectors.js', 'capabilities', '--write'])
      expect(await ok(dir, 'node', ['packages/runner/bin/connectors.js', 'capabilities', '--check'])).toContain('generated docs are up to date')
      expect(readFileSync(join(dir, 'README.md'), 'utf-8')).toContain(`| E2E Directory (\`${API_KEY}\` 0.1.0) |`)
    })
  })
})
