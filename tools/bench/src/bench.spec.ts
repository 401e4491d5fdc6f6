import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScenario } from './bench.js'
import { boundOf, cpuFloorS } from './bound.js'
import { classify, GROUPS, readProfiles, summarize, type CpuProfile } from './profile.js'
import { renderReport } from './report.js'
import { NAIVE, OURS, PEER, STAGE_CONTENDER } from './results.js'
import { lowerBoundSeconds, minimumCalls, scenarios } from './scenarios.js'
import { checkTargets } from './targets.js'

const byName = (name: string) => scenarios.find((s) => s.name === name) as (typeof scenarios)[number]
const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)

describe('the lower bound', () => {
  it('is the throttle-bound time with the burst spent first, or the latency-bound path', () => {
    // one-large: 500 GetGroup calls at 25/s after a burst of 25, plus one call's latency.
    expect(minimumCalls(byName('one-large'))).toEqual({ listUsers: 20, listGroups: 1, getGroup: 500, assumeRole: 1, total: 522 })
    expect(lowerBoundSeconds(byName('one-large'))).toBeCloseTo((500 - 25) / 25 + 0.02, 6)
    // many-accounts: 33 calls per account at 10/s after a burst of 10.
    expect(lowerBoundSeconds(byName('many-accounts'))).toBeCloseTo((33 - 10) / 10 + 0.03, 6)
    // huge: no throttle, no latency.
    expect(lowerBoundSeconds(byName('huge'))).toBe(0)
  })

  it('counts the client: both processes’ CPU for the calls over the cores, when that is larger', () => {
    const bare = { calls: 2000, cpuS: 3, cpuPerCallMs: 1.5, sandboxCpuS: 1, elapsedS: 2, runs: 1 }
    // huge: no upstream bound; (3 + 1) / 2 cores = 2 s, and the sandbox's 1 s over those 2 s leaves 1.5 cores.
    expect(boundOf(byName('huge'), bare, 2)).toEqual({ upstreamS: 0, clientS: 2, boundS: 2, cores: 2, coresLeft: 1.5 })
    // one-large: the upstream's 19.02 s is the larger; calls × CPU per call ÷ cores left is still the client term.
    const b = boundOf(byName('one-large'), bare, 2)
    expect(b.boundS).toBeCloseTo(19.02, 6)
    expect((bare.calls * bare.cpuPerCallMs) / 1000 / b.coresLeft).toBeCloseTo(b.clientS, 9)
  })

  it('gives a run the floor its own CPU sets: its sync CPU and the sandbox’s for it, over every core', () => {
    // 2,000 calls at 3 ms is 6 s of the client's CPU, plus the sandbox's 2 s, over 2 cores.
    expect(cpuFloorS({ apiCalls: 2000, cpuPerCallMs: 3, sandboxCpuS: 2 }, 2)).toBe(4)
    // A run without its CPU measured has none.
    expect(cpuFloorS({ apiCalls: 2000, sandboxCpuS: 2 }, 2)).toBeUndefined()
  })
})

describe('the profile', () => {
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0, columnNumber: id }, children })
  const profile: CpuProfile = {
    nodes: [frame(1, '(root)', '', [2, 3, 5, 6, 7]), frame(2, 'parse', 'file:///w/node_modules/@smithy/core/dist-cjs/index.js'), frame(3, 'mapUser', 'file:///w/packages/aws-iam/src/mappers/user.ts', [4]), frame(4, 'emit', 'node:events'), frame(5, '(garbage collector)', ''), frame(6, '(idle)', ''), frame(7, 'info', 'file:///w/node_modules/pino/lib/proto.js')],
    startTime: 1_000,
    endTime: 11_500,
    samples: [2, 2, 3, 4, 5, 6, 7, 2],
    timeDeltas: [1_000, 1_000, 2_000, 1_000, 1_000, 3_000, 500, 500],
  }

  it('classifies frames by the owner of their code', () => {
    expect(classify('file:///w/node_modules/@aws-sdk/client-iam/dist-cjs/index.js', 'x')).toEqual({ group: 'SDK', pkg: '@aws-sdk/client-iam' })
    expect(classify('file:///w/packages/core/src/effects/rate.ts', 'x')).toEqual({ group: 'ours', pkg: 'packages/core' })
    expect(classify('node:internal/streams/readable', 'x')).toEqual({ group: 'Node', pkg: 'node:internal' })
    expect(classify('/w/node_modules/fp-ts/lib/Either.js', 'x')).toEqual({ group: 'other', pkg: 'fp-ts' })
    expect(classify('', 'JSON.parse')).toEqual({ group: 'Node', pkg: '(native)' })
  })

  it('gives each sample its time to the frame on top, and the groups add up to the whole', () => {
    const all = summarize([profile])
    expect(all.totalMs).toBe(10.5)
    expect(all.groups).toEqual({ SDK: 3, ours: 2, Node: 1, other: 0.5, GC: 1, program: 0, idle: 3 })
    expect(all.frames[0]).toMatchObject({ functionName: 'parse', pkg: '@smithy/core', selfMs: 3 })
    // Node's frames name the code that called into Node.
    expect(all.frames.find((x) => x.functionName === 'emit')).toMatchObject({ group: 'Node', via: 'mapUser (packages/aws-iam), 100%', line: 1, column: 5 })
    // A window keeps the samples taken inside it: at 5,000 (mapUser), 6,000 (emit) and 7,000 (GC).
    expect(summarize([profile], { fromUs: 4_000, toUs: 7_000 }).groups).toMatchObject({ ours: 2, Node: 1, GC: 1, SDK: 0 })
  })
})

describe('the harness (smoke scenario)', () => {
  it('runs our CLI, the peer, the naive loop, the stage and the bare SDK probe, profiles ours, and puts them against the bound', async () => {
    const profiles = await mkdtemp(join(tmpdir(), 'bench-spec-'))
    try {
      const smoke = byName('smoke')
      const result = await runScenario(smoke, { repeat: 2, profileDir: profiles })
      const { rows, bare, bound, profile } = result
      expect(rows.map((r) => [r.contender, r.runs])).toEqual([[OURS, 2], [PEER, 2], [NAIVE, 1], [STAGE_CONTENDER, 1]])
      const minimum = minimumCalls(smoke).total * smoke.accounts
      for (const r of rows.filter((x) => x.contender !== STAGE_CONTENDER)) {
        expect(r, r.contender).toMatchObject({ minimumCalls: minimum, accountsFailed: 0, recordsLost: 0 })
        // The naive loop pages at the SDK's default 100 items: more calls than the minimum; the others make exactly it.
        if (r.contender === NAIVE) expect(r.okCalls).toBeGreaterThan(minimum)
        else expect(r.okCalls).toBe(minimum)
        expect(r.apiCalls).toBe(r.okCalls + r.retries)
        expect(r.ratio).toBeGreaterThan(0)
        expect(Number.isFinite(r.ratio)).toBe(true)
        expect(r.cpuPerCallMs).toBeGreaterThan(0)
        expect(r.sandboxCpuS).toBeGreaterThanOrEqual(0)
      }
      expect(rows[3]).toMatchObject({ usersPerS: expect.any(Number), accountsFailed: 0, recordsLost: 0 })
      expect(rows[0]?.mainThreadBusy).toBeGreaterThan(0)

      // The bare SDK made the scenario's calls (smoke injects no faults: exactly the minimum), and the bound counts it.
      expect(bare).toMatchObject({ calls: minimum, runs: 2 })
      expect(bare.cpuPerCallMs).toBeGreaterThan(0)
      expect(bare.cpuS).toBeCloseTo((bare.calls * bare.cpuPerCallMs) / 1000, 9)
      expect(bound.clientS).toBeCloseTo((bare.cpuS + bare.sandboxCpuS) / bound.cores, 9)
      expect(bound.boundS).toBe(Math.max(bound.upstreamS, bound.clientS))
      expect(bound.coresLeft).toBeGreaterThan(0)
      expect(bound.coresLeft).toBeLessThanOrEqual(bound.cores)

      // The profile: real samples of our code and the SDK, and groups, packages and frames that each add up to the total.
      if (profile === undefined) throw new Error('no profile')
      expect(profile.totalMs).toBeGreaterThan(0)
      expect(profile.groups.SDK).toBeGreaterThan(0)
      expect(sum(GROUPS.map((g) => profile.groups[g]))).toBeCloseTo(profile.totalMs, 6)
      expect(sum(profile.packages.map((p) => p.selfMs))).toBeCloseTo(profile.totalMs, 6)
      expect(sum(profile.frames.map((x) => x.selfMs))).toBeCloseTo(profile.totalMs, 6)
      // Without the sync's window, every thread's profile adds up to its own length.
      const files = await readProfiles(profile.dir)
      expect(files.length).toBeGreaterThan(0)
      const whole = summarize(files)
      expect(whole.totalMs).toBeCloseTo(sum(files.map((p) => (p.endTime - p.startTime) / 1000)), 6)
      expect(profile.totalMs).toBeLessThan(whole.totalMs)

      // Every target is computed from real values; on a run this small, only correctness is held to.
      const targets = checkTargets([result])
      expect(targets.map((t) => t.target)).toEqual(expect.arrayContaining(["smoke: sync ≤ the peer's (ours / peer ≤ 1.0)", 'smoke: sync ≤ 1.2 × bound', "smoke: CPU per API call ≤ 1.25 × the bare SDK's"]))
      expect(targets.filter((t) => !t.ok && (t.target.includes('calls = minimum') || t.target.includes('lost')))).toEqual([])
      const report = renderReport([result], targets, 'test')
      expect(report).toContain(`| smoke | ${OURS} |`)
      expect(report).toContain(`| smoke | ${PEER} |`)
      expect(report).toContain('the top 15 functions by self time')
      expect(report).toContain('| CPU floor s: ours | peer |')
    } finally {
      await rm(profiles, { recursive: true, force: true })
    }
  }, 180_000)
})
