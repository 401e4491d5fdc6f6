/**
 * A distributed run as users start one: `connectors worker` processes and a `connectors sync --redis … --state
 * postgres://…`, each a child process whose logs the cases watch to time their faults (a worker's "unit started",
 * "assumed role", "unit finished" lines).
 */
import type { ChildProcess } from 'node:child_process'
import { platformEnv, startCli, type CliRun } from './cli.js'
import { EXTERNAL_ID } from './matrix.js'

/** A running CLI process whose standard error is read as it comes. */
export interface Watched {
  readonly child: ChildProcess
  readonly done: Promise<CliRun>
  /** Everything it wrote to standard error so far. */
  stderr(): string
  /** Resolves once a line of its standard error satisfies `match` (lines already written count). */
  waitForLine(match: (line: LogLine) => boolean): Promise<LogLine>
}

/** A structured log line (pino's JSON), or `{ msg: <the raw line> }` for anything else. */
export interface LogLine {
  readonly msg?: string
  readonly unit?: string
  readonly connector?: string
  readonly [key: string]: unknown
}

const parse = (line: string): LogLine => {
  try {
    const parsed = JSON.parse(line) as unknown
    return typeof parsed === 'object' && parsed !== null ? (parsed as LogLine) : { msg: line }
  } catch {
    return { msg: line }
  }
}

/** The environment of the sync and its workers: the platform's base keys, the ExternalId, the deployment's key prefix. */
export const clusterEnv = (prefix: string) => platformEnv({ CHAOS_EXTERNAL_ID: EXTERNAL_ID, CONNECTORS_QUEUE_PREFIX: prefix })

function watched(args: ReadonlyArray<string>, dir: string, env: NodeJS.ProcessEnv): Watched {
  const { child, done } = startCli(args, dir, env)
  let text = ''
  const lines: LogLine[] = []
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = []
  let partial = ''
  child.stderr?.on('data', (d: Buffer) => {
    text += d.toString()
    const parts = (partial + d.toString()).split('\n')
    partial = parts.pop() ?? ''
    for (const raw of parts) {
      const line = parse(raw)
      lines.push(line)
      for (const w of waiters.splice(0)) if (w.match(line)) w.resolve(line)
      else waiters.push(w)
    }
  })
  return {
    child,
    done,
    stderr: () => text,
    waitForLine: (match) =>
      new Promise((resolve, reject) => {
        const found = lines.find(match)
        if (found !== undefined) return resolve(found)
        waiters.push({ match, resolve })
        void done.then((run) => reject(new Error(`the process ended (${run.code ?? run.signal}) before the awaited log line: ${run.stderr.slice(-500)}`)))
      }),
  }
}

/** Starts `connectors worker` against the queue and the state. */
export function startWorker(dir: string, redis: string, state: string, prefix: string, options: { readonly concurrency: number; readonly logLevel: 'debug' | 'info' }): Watched {
  return watched(['--log-level', options.logLevel, 'worker', '--redis', redis, '--state', state, '--concurrency', String(options.concurrency)], dir, clusterEnv(prefix))
}

/** Starts `connectors sync --redis … --state …` of the run config `config`, its outputs in `out`. */
export function startQueuedSync(dir: string, config: string, out: string, redis: string, state: string, prefix: string): Watched {
  return watched(['sync', '--config', config, '--out', out, '--redis', redis, '--state', state, '--log-level', 'info'], dir, clusterEnv(prefix))
}

/** Stops workers as an operator does (SIGTERM: they finish what they run), and waits for them. */
export async function stopWorkers(workers: ReadonlyArray<Watched>): Promise<CliRun[]> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM')
  return Promise.all(workers.map((w) => w.done))
}

/** The units a worker's info-level log says it started and finished. */
export function unitsIn(log: string): { readonly started: ReadonlySet<string>; readonly finished: ReadonlySet<string> } {
  const lines = log.split('\n').map(parse)
  const units = (msg: string) => new Set(lines.filter((l) => l.msg === msg && typeof l.unit === 'string').map((l) => `${l.connector ?? ''}/${l.unit}`))
  return { started: units('unit started'), finished: units('unit finished') }
}
