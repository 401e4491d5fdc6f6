/** The benchmark scenarios and the lower bound each one's upstream settings imply. */

/** One scenario: the organization and the upstream's behaviour. */
export interface Scenario {
  readonly name: string
  readonly description: string
  readonly accounts: number
  readonly users: number
  readonly groups: number
  readonly members: number
  readonly latencyMs: number
  readonly throttle?: { readonly rate: number; readonly burst: number; readonly per: 'account' | 'action' }
  readonly throttleRate?: number
  readonly failureRate?: number
  /** Also run the naive baseline (skipped where it would take too long to say anything new). */
  readonly naive: boolean
  /** Also measure the mapping-and-writing stage alone (SDK mocked). */
  readonly stage?: boolean
  /** Give every account an IAM Identity Center directory (Identity Store) too. */
  readonly identityStore?: boolean
  /** Our CLI with a setting changed, to show why the default is what it is. */
  readonly variants?: ReadonlyArray<{ readonly name: string; readonly args: ReadonlyArray<string> }>
}

const manyAccounts: Scenario = {
  name: 'many-accounts',
  description: '50 accounts × 300 users × 30 groups × 10 members; 30 ms latency; 10 req/s burst 10 per account',
  accounts: 50,
  users: 300,
  groups: 30,
  members: 10,
  latencyMs: 30,
  throttle: { rate: 10, burst: 10, per: 'account' },
  naive: true,
  variants: [{ name: 'ours, --concurrency 4', args: ['--concurrency', '4'] }],
}

export const scenarios: ReadonlyArray<Scenario> = [
  {
    name: 'one-large',
    description: '1 account, 20,000 users, 500 groups × 20 members; 20 ms latency; 25 req/s burst 25 per (account, action)',
    accounts: 1,
    users: 20_000,
    groups: 500,
    members: 20,
    latencyMs: 20,
    throttle: { rate: 25, burst: 25, per: 'action' },
    naive: true,
  },
  manyAccounts,
  {
    name: 'huge',
    description: '1 account, 200,000 users, 2,000 groups × 20 members; no latency, no throttle (CPU and memory)',
    accounts: 1,
    users: 200_000,
    groups: 2_000,
    members: 20,
    latencyMs: 0,
    naive: false,
    stage: true,
  },
  {
    ...manyAccounts,
    name: 'storm',
    description: 'many-accounts with 30% of calls throttled and 2% ServiceFailure on top',
    throttleRate: 0.3,
    failureRate: 0.02,
    // The naive loop needs minutes here and fails accounts; many-accounts already measures it.
    naive: false,
    variants: [],
  },
  {
    name: 'smoke',
    description: 'a tiny run that keeps the harness working (CI)',
    accounts: 2,
    users: 120,
    groups: 4,
    members: 10,
    latencyMs: 2,
    throttle: { rate: 50, burst: 20, per: 'account' },
    naive: true,
    stage: true,
  },
]

/** The minimum calls one account needs: ⌈U/1000⌉ + ⌈G/1000⌉ + Σ⌈members/1000⌉ + 1 AssumeRole. */
export function minimumCalls(s: Scenario): { listUsers: number; listGroups: number; getGroup: number; assumeRole: number; total: number } {
  const listUsers = Math.max(1, Math.ceil(s.users / 1000))
  const listGroups = Math.max(1, Math.ceil(s.groups / 1000))
  const getGroup = s.groups * Math.max(1, Math.ceil(Math.min(s.members, s.users) / 1000))
  return { listUsers, listGroups, getGroup, assumeRole: 1, total: listUsers + listGroups + getGroup + 1 }
}

/**
 * The lower bound of one account (and, accounts being independent upstream, of the scenario), in seconds:
 * the calls at the throttle rate with the burst spent first, or the latency-bound critical path if larger.
 * Injected random throttles and failures are not part of it.
 */
export function lowerBoundSeconds(s: Scenario): number {
  const calls = minimumCalls(s)
  const latency = s.latencyMs / 1000
  const memberPages = Math.max(1, Math.ceil(Math.min(s.members, s.users) / 1000))
  const criticalPath = latency * (1 + Math.max(calls.listUsers, calls.listGroups + memberPages))
  if (s.throttle === undefined) return criticalPath
  const { rate, burst, per } = s.throttle
  const buckets = per === 'account' ? [calls.total] : [calls.listUsers, calls.listGroups, calls.getGroup, calls.assumeRole]
  const throttleBound = Math.max(...buckets.map((n) => Math.max(0, (n - burst) / rate))) + latency
  return Math.max(criticalPath, throttleBound)
}
