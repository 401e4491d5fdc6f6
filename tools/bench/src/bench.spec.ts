import { describe, expect, it } from 'vitest'
import { checkTargets, renderTable, runScenario, STAGE_CONTENDER } from './bench.js'
import { lowerBoundSeconds, minimumCalls, scenarios } from './scenarios.js'

const byName = (name: string) => scenarios.find((s) => s.name === name) as (typeof scenarios)[number]

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
})

describe('the harness (smoke scenario)', () => {
  it('runs our CLI, the naive baseline and the mapping-and-writing stage, and checks the outputs', async () => {
    const rows = await runScenario(byName('smoke'), () => {}, 2)
    expect(rows.map((r) => [r.contender, r.runs])).toEqual([['ours (connectors sync)', 2], ['naive SDK loop', 1], [STAGE_CONTENDER, 1]])
    expect(rows[2]).toMatchObject({ usersPerS: expect.any(Number), accountsFailed: 0, recordsLost: 0 })
    expect(rows[0]?.mainThreadBusy).toBeGreaterThan(0)
    const failed = checkTargets(rows).filter((t) => !t.ok && !t.target.includes('start-up'))
    expect(failed).toEqual([])
    expect(rows[0]).toMatchObject({ okCalls: 14, minimumCalls: 14, accountsFailed: 0, recordsLost: 0 })
    expect(renderTable(rows)).toContain('| smoke | ours (connectors sync) |')
  }, 120_000)
})
