/**
 * Where the CPU goes: reads the `.cpuprofile` files `node --cpu-prof` wrote (one per thread) and attributes each
 * sample's time to the frame on top of its stack (self time), grouped by who owns the frame's code.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The parts of V8's `.cpuprofile` JSON read here. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{ readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber?: number }; readonly children?: ReadonlyArray<number> }>
  /** µs, on the machine's monotonic clock (`process.hrtime`). */
  readonly startTime: number
  readonly endTime: number
  readonly samples: ReadonlyArray<number>
  /** µs since the previous sample (the first: since `startTime`). */
  readonly timeDeltas: ReadonlyArray<number>
}

/** Who owns a frame's code. */
export const GROUPS = ['SDK', 'ours', 'Node', 'other', 'GC', 'program', 'idle'] as const
export type Group = (typeof GROUPS)[number]

/** What each group holds, for the report. */
export const GROUP_MEANING: Readonly<Record<Group, string>> = {
  SDK: 'node_modules/@aws-sdk and @smithy',
  ours: 'packages/* and tools/*',
  Node: 'node:internal and native functions (V8 built-ins, Node bindings)',
  other: 'every other node_modules package',
  GC: 'garbage collector',
  program: 'V8 itself (compiling, runtime)',
  idle: 'waiting',
}

/** A frame's group and package (`@smithy/core`, `packages/aws`, `node:internal`, `tsx`…). */
export function classify(url: string, functionName: string): { readonly group: Group; readonly pkg: string } {
  if (url === '') {
    if (functionName === '(garbage collector)') return { group: 'GC', pkg: '(garbage collector)' }
    if (functionName === '(idle)') return { group: 'idle', pkg: '(idle)' }
    if (functionName === '(program)' || functionName === '(root)') return { group: 'program', pkg: '(program)' }
    return { group: 'Node', pkg: '(native)' }
  }
  if (url.startsWith('node:')) return { group: 'Node', pkg: url.startsWith('node:internal') ? 'node:internal' : url }
  const inModules = url.lastIndexOf('node_modules/')
  if (inModules >= 0) {
    const [scope, name] = url.slice(inModules + 'node_modules/'.length).split('/')
    const pkg = scope?.startsWith('@') === true ? `${scope}/${name ?? ''}` : (scope ?? url)
    return { group: pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/') ? 'SDK' : 'other', pkg }
  }
  const ours = /\/(packages|tools)\/([^/]+)\//.exec(url)
  if (ours !== null) return { group: 'ours', pkg: `${ours[1]}/${ours[2]}` }
  return { group: 'other', pkg: url }
}

/** One function's self time, over every stack it was on top of. */
export interface Frame {
  readonly functionName: string
  readonly url: string
  /** 1-based, in the code V8 ran (for our TypeScript: tsx's output, not the source). */
  readonly line: number
  readonly column: number
  readonly group: Group
  readonly pkg: string
  readonly selfMs: number
  /**
   * For Node's frames: the nearest caller below them on the stack that is not Node's, with its share of their time
   * (`Node's own` when nothing outside Node is below: the event loop's ticks, stream flushes).
   */
  readonly via?: string
}

/** A summary of one or more profiles (the threads of one process). */
export interface ProfileSummary {
  /** Every sample's time in the window, in ms: the groups add up to it. */
  readonly totalMs: number
  readonly groups: Readonly<Record<Group, number>>
  /** Self time by package, largest first. */
  readonly packages: ReadonlyArray<{ readonly pkg: string; readonly group: Group; readonly selfMs: number }>
  /** Self time by function, largest first. */
  readonly frames: ReadonlyArray<Frame>
}

/**
 * Self time per frame: sample i holds the time since the sample before it (its `timeDeltas[i]`), and the last one
 * also the time to `endTime`, so that without a window the groups add up to `endTime − startTime` exactly. With a
 * window (µs, the profile's clock), only the samples taken inside it count.
 */
export function summarize(profiles: ReadonlyArray<CpuProfile>, window?: { readonly fromUs: number; readonly toUs: number }): ProfileSummary {
  const frames = new Map<string, { functionName: string; url: string; line: number; column: number; group: Group; pkg: string; selfUs: number; via: Map<string, number> }>()
  for (const p of profiles) {
    const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]))
    const parent = new Map(p.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id] as const)))
    const callerOutsideNode = (id: number): string => {
      for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)
        const { group, pkg } = classify(frame?.url ?? '', frame?.functionName ?? '')
        if (group === 'SDK' || group === 'ours' || group === 'other') return `${frame?.functionName || '(anonymous)'} (${pkg})`
      }
      return "Node's own"
    }
    let at = p.startTime
    p.samples.forEach((id, i) => {
      at += p.timeDeltas[i] ?? 0
      const us = (p.timeDeltas[i] ?? 0) + (i === p.samples.length - 1 ? p.endTime - at : 0)
      if (window !== undefined && (at < window.fromUs || at > window.toUs)) return
      const frame = byId.get(id) ?? { functionName: '(unknown)', url: '', lineNumber: -1, columnNumber: -1 }
      const key = `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber ?? -1}`
      const entry = frames.get(key) ?? { functionName: frame.functionName, url: frame.url, line: frame.lineNumber + 1, column: (frame.columnNumber ?? -1) + 1, ...classify(frame.url, frame.functionName), selfUs: 0, via: new Map<string, number>() }
      entry.selfUs += us
      if (entry.group === 'Node') {
        const via = callerOutsideNode(id)
        entry.via.set(via, (entry.via.get(via) ?? 0) + us)
      }
      frames.set(key, entry)
    })
  }
  const groups = Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<Group, number>
  const packages = new Map<string, { pkg: string; group: Group; selfMs: number }>()
  const list: Frame[] = []
  for (const { selfUs, via, ...f } of frames.values()) {
    const selfMs = selfUs / 1000
    groups[f.group] += selfMs
    const pkg = packages.get(f.pkg) ?? { pkg: f.pkg, group: f.group, selfMs: 0 }
    pkg.selfMs += selfMs
    packages.set(f.pkg, pkg)
    const top = [...via].sort((a, b) => b[1] - a[1])[0]
    list.push({ ...f, selfMs, ...(top !== undefined ? { via: `${top[0]}, ${selfUs > 0 ? Math.round((100 * top[1]) / selfUs) : 0}%` } : {}) })
  }
  const totalMs = GROUPS.reduce((n, g) => n + groups[g], 0)
  return { totalMs, groups, packages: [...packages.values()].sort((a, b) => b.selfMs - a.selfMs), frames: list.sort((a, b) => b.selfMs - a.selfMs) }
}

/** Every `.cpuprofile` in a folder (`--cpu-prof` writes one per thread). */
export async function readProfiles(dir: string): Promise<CpuProfile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort()
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as CpuProfile))
}

/** The offset from epoch ms to the profile clock (the monotonic clock `--cpu-prof` and `process.hrtime` share), in µs. */
export const monotonicOffsetUs = (): number => Number(process.hrtime.bigint() / 1000n) - Date.now() * 1000
