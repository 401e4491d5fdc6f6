/** Running a child process while sampling its peak RSS and CPU time from /proc (Linux). */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** What a measured child did. */
export interface Measured {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly startedAt: number
  readonly wallMs: number
  readonly peakRssMb: number
  readonly cpuSeconds: number
}

const TICKS = 100

function sample(pid: number): { rssKb: number; cpuTicks: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rssKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { rssKb, cpuTicks: Number(fields[11]) + Number(fields[12]) }
  } catch {
    return undefined
  }
}

/** A running process's CPU seconds so far (user + system, all its threads); 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  return (sample(pid)?.cpuTicks ?? 0) / TICKS
}

/** Spawns `node args…` and measures it. */
export function measure(args: ReadonlyArray<string>, options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now()
    const child = spawn(process.execPath, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    let peak = 0
    let cpu = 0
    const poll = setInterval(() => {
      const s = child.pid === undefined ? undefined : sample(child.pid)
      if (s !== undefined) {
        peak = Math.max(peak, s.rssKb)
        cpu = Math.max(cpu, s.cpuTicks)
      }
    }, 20)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearInterval(poll)
      resolve({ code, stdout, stderr, startedAt, wallMs: Date.now() - startedAt, peakRssMb: Math.round(peak / 1024), cpuSeconds: cpu / TICKS })
    })
  })
}
