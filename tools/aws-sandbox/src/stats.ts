/** What the sandbox saw: requests per (account, action, outcome), faults injected, and its own overhead. */

/** A snapshot of the sandbox's counters (also served as JSON at `GET /_sandbox/stats`). */
export interface SandboxStats {
  /**
   * Every request, by account, action and outcome (`ok` or the error code / fault). IAM and STS actions are named
   * bare (`ListUsers`); JSON 1.1 ones by service (`identitystore:ListUsers`, `sso:ListInstances`).
   */
  readonly requests: ReadonlyArray<{ readonly account: string; readonly action: string; readonly outcome: string; readonly count: number }>
  readonly totalRequests: number
  /** Epoch ms of the first request answered (benchmarks measure client start-up with it). */
  readonly firstRequestAt?: number
  /** Requests answered `Throttling` (IAM, STS) or `ThrottlingException` (Identity Store, SSO Admin), bucket or injected. */
  readonly throttled: number
  /** Faults injected, by kind. */
  readonly faults: Readonly<Record<string, number>>
  /** Facts security tests assert on, e.g. `assumeRoleWithoutExternalId`, counted. */
  readonly notes: Readonly<Record<string, number>>
  /** The sandbox's own time per request (excluding injected latency), by action, in ms. */
  readonly overheadMs: Readonly<Record<string, { readonly count: number; readonly median: number; readonly p99: number }>>
}

const SAMPLE_CAP = 20_000

/** Mutable counters behind {@link SandboxStats}. */
export class StatsRecorder {
  private readonly counts = new Map<string, number>()
  private readonly faultCounts = new Map<string, number>()
  private readonly noteCounts = new Map<string, number>()
  private readonly samples = new Map<string, number[]>()
  private throttled = 0
  private firstAt: number | undefined

  record(account: string, action: string, outcome: string): void {
    this.firstAt ??= Date.now()
    const key = `${account}\u0000${action}\u0000${outcome}`
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    if (outcome === 'Throttling' || outcome === 'ThrottlingException') this.throttled++
  }

  fault(kind: string): void {
    this.faultCounts.set(kind, (this.faultCounts.get(kind) ?? 0) + 1)
  }

  note(what: string): void {
    this.noteCounts.set(what, (this.noteCounts.get(what) ?? 0) + 1)
  }

  overhead(action: string, ms: number): void {
    const list = this.samples.get(action) ?? []
    if (list.length < SAMPLE_CAP) list.push(ms)
    else list[Math.floor(Math.random() * SAMPLE_CAP)] = ms
    this.samples.set(action, list)
  }

  snapshot(): SandboxStats {
    const requests = [...this.counts].map(([key, count]) => {
      const [account, action, outcome] = key.split('\u0000') as [string, string, string]
      return { account, action, outcome, count }
    })
    const overheadMs: Record<string, { count: number; median: number; p99: number }> = {}
    for (const [action, list] of this.samples) {
      const sorted = [...list].sort((a, b) => a - b)
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
      overheadMs[action] = { count: list.length, median: at(0.5), p99: at(0.99) }
    }
    return {
      requests,
      totalRequests: requests.reduce((n, r) => n + r.count, 0),
      ...(this.firstAt !== undefined ? { firstRequestAt: this.firstAt } : {}),
      throttled: this.throttled,
      faults: Object.fromEntries(this.faultCounts),
      notes: Object.fromEntries(this.noteCounts),
      overheadMs,
    }
  }
}
