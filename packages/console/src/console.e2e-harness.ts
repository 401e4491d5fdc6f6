/**
 * Shared by the console's specs: the AWS sandbox with three customer accounts — a healthy one, one whose trust
 * policy expects another ExternalId, one whose role lacks iam:GetGroup — and the console over it, as `connectors
 * console` would start it, with the platform's base credentials and the sandbox's endpoints in the environment.
 * Asked for, every account also holds an IAM Identity Center instance (an Identity Store of people with emails).
 */
import awsIam from '@connectors/aws-iam'
import { allowPolicy, delegatorEnv, generateOrganization, startSandbox, type Sandbox, type Seed } from '@connectors/aws-sandbox'
import type { Logger } from '@connectors/core'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startConsole, type ConsoleOptions, type RunningConsole } from './index.js'

export const ORGANIZATION_ID = 'org-console-e2e'
/** Debian's Chromium, as the browser specs drive it: headless in a container, talking to nothing but the console. */
export const CHROMIUM = { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }
export const PRINCIPAL_ARN = 'arn:aws:iam::999999999999:role/connectors-delegator'

/** Three accounts: 0 healthy, 1 trusts another ExternalId, 2 lacks iam:GetGroup; with `identityStore`, each an Identity Store too. */
export function organization(users = 30, { identityStore = false }: { readonly identityStore?: boolean } = {}): Seed {
  const seed = generateOrganization({ accounts: 3, users, groups: 4, members: 6, seed: 5, identityStore, externalId: (i) => (i === 1 ? 'org-someone-else' : ORGANIZATION_ID) })
  const third = seed.accounts[2]
  if (third !== undefined) third.roles = third.roles.map((r) => ({ ...r, permissionPolicies: [allowPolicy(['iam:ListUsers', 'iam:ListGroups'])] }))
  return seed
}

/** The role ARN of seeded account `i`. */
export const roleArnOf = (seed: Seed, i: number) => `arn:aws:iam::${seed.accounts[i]?.id ?? ''}:role/ConnectorsReadOnly`

/** Points the platform's environment (base credentials, endpoints) at `sandbox`, as a host of the platform would be set up. */
export function useSandbox(sandbox: Sandbox): void {
  const endpoints = Object.fromEntries(['STS', 'IAM', 'IDENTITYSTORE', 'SSO'].map((service) => [`AWS_ENDPOINT_URL_${service}`, sandbox.endpoint]))
  Object.assign(process.env, delegatorEnv({ PATH: process.env['PATH'], HOME: process.env['HOME'], ...endpoints }))
}

/** A logger that keeps what it is given (to prove what reaches logs, and what does not). */
export function recordingLogger(): Logger & { readonly lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> } {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = []
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, fields, message })
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

export interface Fixture {
  readonly seed: Seed
  readonly sandbox: Sandbox
  readonly dir: string
  readonly statePath: string
  readonly out: string
  console: RunningConsole
  /** Starts the console again on the same state and outputs (a restart). */
  restart(): Promise<RunningConsole>
  stop(): Promise<void>
}

/** The sandbox seeded with `seed` and a console over it, in a fresh folder. */
export async function startFixture(overrides: Partial<ConsoleOptions> = {}, seed: Seed = organization()): Promise<Fixture> {
  const sandbox = await startSandbox({ seed })
  useSandbox(sandbox)
  const dir = await mkdtemp(join(tmpdir(), 'console-'))
  const statePath = join(dir, '.connectors', 'state.db')
  const out = join(dir, 'out')
  const options: ConsoleOptions = { connectors: [{ packageName: '@connectors/aws-iam', connector: awsIam }], platform: { organizationId: ORGANIZATION_ID, principalArn: PRINCIPAL_ARN }, statePath, out, port: 0, env: process.env, ...overrides }
  const fixture: Fixture = {
    seed,
    sandbox,
    dir,
    statePath,
    out,
    console: await startConsole(options),
    async restart() {
      await fixture.console.close()
      fixture.console = await startConsole(options)
      return fixture.console
    },
    async stop() {
      await fixture.console.close()
      await sandbox.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
  return fixture
}

export interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
  json<T = Record<string, unknown>>(): T
}

/** An HTTP request with full control of its headers (Host, Origin, Sec-Fetch-Site), which fetch does not give. */
export function call(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T })
      })
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The CSRF token the page of `base` carries. */
export async function csrfOf(base: string, headers: Record<string, string> = {}): Promise<string> {
  const page = await call(base, { headers })
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1]
  if (token === undefined) throw new Error(`no CSRF token in the page (${page.status})`)
  return token
}
