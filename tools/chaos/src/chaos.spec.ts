import { describe, expect, it } from 'vitest'
import { runDiskFull } from './disk-full.js'
import { matrix, runCase, type ChaosCase } from './matrix.js'

// The fast subset of `npm run chaos`: one fault storm, one broken account among 50, a killed process (IAM and Identity Center), a full disk.
const fast = ['throttling storm (50% of calls)', 'one account among 50 with a wrong ExternalId', 'the process killed mid-sync (SIGKILL), then synced again']

describe('reliability under faults (fast subset)', () => {
  for (const name of fast) {
    const found = matrix.find((x) => x.name === name)
    // The storm stays IAM-only here: at 50% throttles the Identity Center accounts' pacing makes it the slowest case; `npm run chaos` runs both.
    const c: ChaosCase | undefined = found !== undefined && found.name === fast[0] ? { ...found, identityCenter: false } : found
    it(name, async () => {
      if (c === undefined) throw new Error(`no case ${name}`)
      const verdict = await runCase(c)
      expect(verdict.problems).toEqual([])
      expect(verdict.mismatches).toBe(0)
      expect(verdict.recordsCompared).toBeGreaterThan(0)
    })
  }
})

describe('reliability when the output disk fills up', () => {
  it('keeps the accounts that fit identical to a fault-free run, and the others failed with their state unchanged', async () => {
    const verdict = await runDiskFull()
    expect(verdict.problems).toEqual([])
    expect(verdict.faultsInjected).toBeGreaterThan(0)
  })
})
