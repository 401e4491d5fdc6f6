import { describe, expect, it } from 'vitest'
import { FaultInjector } from './faults.js'
import { generateOrganization } from './generate.js'

describe('FaultInjector', () => {
  it('decides the same way for the same seed, whatever order requests come in', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `marker-${i}`)
    const decide = (order: string[]) => {
      const injector = new FaultInjector(42, { throttleRate: 0.3, serviceFailureRate: 0.05 }, new Map())
      return new Map(order.map((k) => [k, injector.decide('111111111111', 'GetGroup', k).kind]))
    }
    const forward = decide(keys)
    const backward = decide([...keys].reverse())
    expect(backward).toEqual(forward)
    const throttled = [...forward.values()].filter((k) => k === 'throttle').length
    expect(throttled).toBeGreaterThan(40)
    expect(throttled).toBeLessThan(80)
  })

  it('draws afresh for a retry of the same request', () => {
    const injector = new FaultInjector(1, { throttleRate: 0.5 }, new Map())
    const kinds = Array.from({ length: 20 }, () => injector.decide('1', 'ListUsers', 'same').kind)
    expect(new Set(kinds)).toEqual(new Set(['throttle', 'none']))
  })

  it('refills a token bucket at its rate, up to its burst, per account or action', () => {
    let now = 0
    const injector = new FaultInjector(1, { throttle: { rate: 10, burst: 2, per: 'account' } }, new Map(), () => now)
    const take = (action: string) => injector.decide('acct', action, String(now)).kind
    expect([take('ListUsers'), take('GetGroup'), take('ListGroups')]).toEqual(['none', 'none', 'throttle'])
    now += 100
    expect([take('ListUsers'), take('ListUsers')]).toEqual(['none', 'throttle'])
    now += 10_000
    expect([take('a'), take('b'), take('c')]).toEqual(['none', 'none', 'throttle'])
  })

  it('lets an account override the global settings', () => {
    const injector = new FaultInjector(1, { serviceFailureRate: 1 }, new Map([['healthy', { serviceFailureRate: 0 }]]))
    expect(injector.decide('sick', 'ListUsers', '').kind).toBe('serviceFailure')
    expect(injector.decide('healthy', 'ListUsers', '').kind).toBe('none')
  })
})

describe('generateOrganization', () => {
  it('is deterministic and shaped as asked', () => {
    const options = { accounts: 3, users: 50, groups: 4, members: 10, seed: 9 }
    const a = generateOrganization(options)
    expect(generateOrganization(options)).toEqual(a)
    expect(generateOrganization({ ...options, seed: 10 })).not.toEqual(a)
    expect(a.accounts.map((x) => x.id)).toEqual(['100000000000', '100000000001', '100000000002'])
    expect(a.accounts[0]?.users).toHaveLength(50)
    expect(a.accounts[0]?.groups.map((g) => g.members.length)).toEqual([10, 10, 10, 10])
    expect(new Set(a.accounts[0]?.users.map((u) => u.id)).size).toBe(50)
  })
})
