/**
 * The process side of the test services: finding the binaries, a free port, running a server as a child that dies
 * with the tests, and running PostgreSQL's tools as the `postgres` user when the tests run as root (initdb and
 * postgres refuse to run as root).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { delimiter, join } from 'node:path'

/** An executable on PATH, or undefined. */
export function binary(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) if (dir !== '' && existsSync(join(dir, name))) return join(dir, name)
  return undefined
}

/** PostgreSQL's server binaries: the newest under /usr/lib/postgresql/<version>/bin (Debian), else on PATH. */
export function postgresTools(): { readonly initdb: string; readonly postgres: string } | undefined {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : []
  const newest = versions[0]
  if (newest !== undefined) return { initdb: join(root, newest, 'bin', 'initdb'), postgres: join(root, newest, 'bin', 'postgres') }
  const initdb = binary('initdb')
  const postgres = binary('postgres')
  return initdb !== undefined && postgres !== undefined ? { initdb, postgres } : undefined
}

/**
 * `argv` as the `postgres` user when this process is root (PostgreSQL refuses root), with `dir` handed to that user;
 * as is otherwise. `setpriv` execs in place, so the child's pid is the server's own and signals reach it directly.
 */
export function asPostgres(dir: string, argv: ReadonlyArray<string>): ReadonlyArray<string> {
  if (process.getuid?.() !== 0) return argv
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
  chownSync(dir, uid, gid)
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--', ...argv]
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command: string, args: ReadonlyArray<string>): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, [...args], { encoding: 'utf8' }, (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stdout}${stderr}`)))),
  )
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** A server process. */
export interface Spawned {
  readonly child: ChildProcess
  /** Resolves when it has exited. */
  readonly exited: Promise<void>
  /** Sends `signal` and waits for the process to exit. */
  stop(signal: NodeJS.Signals): Promise<void>
}

const running = new Set<ChildProcess>()
// Servers never outlive the tests that started them, whatever way the test process ends.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** Starts `argv` with its output appended to `log`. */
export async function spawnService(argv: ReadonlyArray<string>, log: string): Promise<Spawned> {
  const fd = openSync(log, 'a')
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', fd, fd] })
  running.add(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => (running.delete(child), resolve())))
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', reject)
  })
  return {
    child,
    exited,
    stop: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}

/** Retries `ready` until it resolves; fails naming `what` and its log tail if the server exits or 30 s pass. */
export async function waitFor(ready: () => Promise<unknown>, what: string, server: Spawned, log: string): Promise<void> {
  let died = false
  void server.exited.then(() => (died = true))
  const deadline = Date.now() + 30_000
  for (let last: unknown; ; ) {
    if (died || Date.now() > deadline) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : ''
      throw new Error(`${what} did not ${died ? 'stay up' : 'become ready in 30 s'}: ${(last as Error | undefined)?.message ?? ''}\n${tail}`)
    }
    try {
      await ready()
      return
    } catch (error) {
      last = error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** Resolves when a Redis server answers PING on `port`. */
export function pingRedis(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.once('error', reject)
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString()
      if (!answer.includes('\r\n')) return
      socket.destroy()
      if (answer.startsWith('+PONG')) resolve()
      else reject(new Error(`Redis answered ${answer.trim()}`))
    })
    socket.write('PING\r\n')
  })
}
