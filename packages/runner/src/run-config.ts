/**
 * The run config: which connectors, their accounts, outputs and limits. JSON or YAML, validated with io-ts;
 * `${env:NAME}` in any string is replaced by that environment variable (for secrets), and a missing variable
 * is an error naming the path.
 */
import { annotate, decodeWith, errorMessage, strictObject } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'

const Positive = annotate(t.refinement(t.number, (n) => Number.isInteger(n) && n > 0, 'PositiveInteger'), { expected: 'a whole number ≥ 1' })
const Share = annotate(t.refinement(t.number, (n) => n >= 0 && n <= 1, 'Share'), { expected: 'a share from 0 to 1, like 0.3' })


/** Whether a state value (`--state`, or the run config's `state`) names a PostgreSQL database rather than a SQLite file. */
export const isPostgresUrl = (state: string): boolean => /^postgres(ql)?:\/\//i.test(state)

/** One account of a connector: its name in this run, and the connector's own config (which the connector decodes). */
export const AccountEntry = strictObject(
  'AccountEntry',
  { name: t.string, config: t.unknown },
  { exclude: annotate(t.array(t.string), { description: 'Username patterns (`*` and `?` wildcards, any case) kept out of the platform users file, e.g. service users: ["svc-*", "ci-*"]. They are counted as excluded.' }) },
)

/** The run config. Strict at every level: an unknown key is an error naming the closest known one. */
export const RunConfig = strictObject(
  'RunConfig',
  { connectors: t.array(strictObject('ConnectorEntry', { connector: annotate(t.string, { description: 'A connector package name, or a path to its module relative to this file.' }), accounts: t.array(AccountEntry) })) },
  {
    out: annotate(t.string, { description: 'The output folder, relative to this file (default ./out beside the working directory).' }),
    state: annotate(t.string, { description: 'The state database: a SQLite file, relative to this file (default .connectors/state.db), or a postgres:// URL.' }),
    concurrency: Positive,
    platform: strictObject(
      'Platform',
      {},
      {
        organizationId: annotate(t.string, { description: "The customers' organization id in the platform: the default ExternalId of every account (an account's config may still set its own)." }),
        principalArn: annotate(t.string, { description: "The platform's principal that assumes the customers' roles (a role ARN, like the platform's own delegator role)." }),
        credentials: annotate(t.record(t.string, strictObject('CredentialSource', {}, { profile: t.string, envPrefix: t.string })), {
          description: 'Base credentials per partition (aws-cn and aws-us-gov accounts need their own): a shared-config profile, or an environment prefix (e.g. GOV_ reads GOV_AWS_ACCESS_KEY_ID…).',
        }),
      },
      { description: 'The platform, named once for every account.' },
    ),
    retentionDays: annotate(t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1 && n <= 3650, 'RetentionDays'), {
      expected: 'a whole number of days from 1 to 3650',
      description: 'How long a deleted user stays in every users file, as deleted (default 90 days): a file that never reached the platform loses no deletion.',
    }),
    dropThreshold: annotate(Share, { description: 'A complete sync dropping more than this share of an account\'s users is held back (default 0.3).' }),
  },
  { description: 'A connectors run: which connectors, their accounts, outputs and limits.' },
)
/** The run config. */
export type RunConfig = t.TypeOf<typeof RunConfig>

/** Replaces `${env:NAME}` in every string of `value`; collects the paths of missing variables. */
export function substituteEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, path = '', missing: string[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name]
      if (v === undefined) missing.push(`${path || '(root)'}: environment variable ${name} is not set`)
      return v ?? ''
    })
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`, missing))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, path === '' ? k : `${path}.${k}`, missing)]))
  }
  return value
}

/**
 * Reads, parses, substitutes and validates a run config (`-` reads standard input); the error lists every problem
 * with its path. Relative paths inside it (`out`, `state`, connector modules given as `./path`) are resolved
 * against the config file's folder — the working directory for standard input.
 */
export async function loadRunConfig(file: string, env: Readonly<Record<string, string | undefined>>, cwd: string, stdin: () => Promise<string> = readStdin): Promise<E.Either<string, RunConfig>> {
  const fromStdin = file === '-'
  let text: string
  try {
    text = fromStdin ? await stdin() : await readFile(resolve(cwd, file), 'utf8')
  } catch (e) {
    return E.left(`cannot read run config ${file}: ${(e as Error).message}`)
  }
  return E.map((config: RunConfig) => resolvePaths(config, configDir(file, cwd)))(parseRunConfig(text, fromStdin ? '(stdin)' : file, env))
}

/** The folder a run config's relative paths are read from: its own, or the working directory for standard input. */
export const configDir = (file: string, cwd: string) => (file === '-' ? cwd : dirname(resolve(cwd, file)))

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const isModulePath = (s: string) => s.startsWith('./') || s.startsWith('../') || isAbsolute(s)

/** The config with its relative paths made absolute against `base`. */
export function resolvePaths(config: RunConfig, base: string): RunConfig {
  return {
    ...config,
    ...(config.out !== undefined ? { out: resolve(base, config.out) } : {}),
    // A database URL is not a path: only a file is resolved against the run config's folder.
    ...(config.state !== undefined ? { state: isPostgresUrl(config.state) ? config.state : resolve(base, config.state) } : {}),
    connectors: config.connectors.map((c) => (isModulePath(c.connector) ? { ...c, connector: resolve(base, c.connector) } : c)),
  }
}

/** Parses (JSON, or YAML for a `.yaml`/`.yml` name), substitutes and validates run config text. Never throws. */
export function parseRunConfig(text: string, file: string, env: Readonly<Record<string, string | undefined>>): E.Either<string, RunConfig> {
  let raw: unknown
  try {
    // YAML is a superset of JSON: standard input, which has no file name to tell, is read as YAML.
    raw = /\.ya?ml$/i.test(file) || file === '(stdin)' ? parseYaml(text, { logLevel: 'error' }) : JSON.parse(text)
  } catch (e) {
    return E.left(`run config ${file} is not valid ${/\.ya?ml$/i.test(file) || file === '(stdin)' ? 'YAML' : 'JSON'}: ${(e as Error).message}`)
  }
  const missing: string[] = []
  const substituted = substituteEnv(raw, env, '', missing)
  if (missing.length > 0) return E.left(`run config ${file}:\n  ${missing.join('\n  ')}`)
  return E.mapLeft((e: Parameters<typeof errorMessage>[0]) => `run config ${file}: ${e.reason === 'InvalidConfig' ? `\n  ${e.issues.join('\n  ')}` : errorMessage(e)}`)(
    decodeWith(RunConfig, { connector: 'runner', account: '-', operation: 'run config' })(substituted),
  )
}
