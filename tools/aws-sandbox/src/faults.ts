/**
 * Fault injection, deterministic by seed: latency, token-bucket throttling per (account[, action]), random
 * throttles, ServiceFailure, connection resets, stalls, malformed XML, short pages and short-lived sessions.
 * Every decision hashes (seed, account, action, request key, occurrence), so it does not depend on the
 * order concurrent requests arrive in, and a retry draws afresh.
 */
import * as t from 'io-ts'
import { hashToUnit } from './rng.js'

const Rate = t.refinement(t.number, (n) => n >= 0 && n <= 1, 'Rate')

/** Faults, configurable globally and per account (an account's settings override the global ones). */
export const Faults = t.partial(
  {
    /** Added to every response, in ms. */
    latencyMs: t.number,
    /** Uniform extra latency in [0, jitterMs). */
    jitterMs: t.number,
    /** A token bucket: `rate` requests/s refilled, `burst` capacity, per account or per (account, action). */
    throttle: t.type({ rate: t.number, burst: t.number, per: t.keyof({ account: null, action: null }) }),
    /** Share of requests answered `Throttling` regardless of the bucket. */
    throttleRate: Rate,
    /** Share answered 500 `ServiceFailure`. */
    serviceFailureRate: Rate,
    /** Share whose connection is reset without an answer. */
    resetRate: Rate,
    /** Share that stall for `stallMs` and are then dropped. */
    stallRate: Rate,
    stallMs: t.number,
    /** Share answered 200 with a truncated, unparseable body. */
    malformedRate: Rate,
    /** Pages hold at most this many items, whatever MaxItems says (IAM may return fewer while truncated). */
    shortPageSize: t.number,
    /** Issued sessions really expire after this many seconds (while advertising the requested duration). */
    sessionLifetimeSeconds: t.number,
    /** How long generating a credential report takes, in ms (default: 0–200, drawn per account and generation). */
    reportGenerationMs: t.number,
    /**
     * Hostile listings (ListUsers and ListGroups): a 50 MB response, an XML entity bomb, a fresh marker on every
     * page forever, or the same marker again and again.
     */
    hostile: t.keyof({ hugeResponse: null, entityBomb: null, endlessMarker: null, repeatMarker: null }),
  },
  'Faults',
)
/** Fault settings. */
export type Faults = t.TypeOf<typeof Faults>

/** What to do with one request. */
export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'throttle' }
  | { readonly kind: 'serviceFailure' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'stall'; readonly ms: number }
  | { readonly kind: 'malformed' }

interface Bucket {
  tokens: number
  updatedAt: number
}

/** Decides faults for requests; one per sandbox. */
export class FaultInjector {
  private readonly buckets = new Map<string, Bucket>()
  private readonly occurrences = new Map<string, number>()

  constructor(
    private readonly seed: number,
    private readonly global: Faults,
    private readonly perAccount: ReadonlyMap<string, Faults>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The settings in force for an account. */
  settingsFor(account: string | undefined): Faults {
    const own = account === undefined ? undefined : this.perAccount.get(account)
    return own === undefined ? this.global : { ...this.global, ...own }
  }

  /** The latency to add to this request, in ms. */
  latencyFor(account: string | undefined, key: string): number {
    const f = this.settingsFor(account)
    return (f.latencyMs ?? 0) + (f.jitterMs !== undefined ? hashToUnit(`${this.seed}|jitter|${key}`) * f.jitterMs : 0)
  }

  private takeToken(account: string, action: string, f: Faults): boolean {
    if (f.throttle === undefined) return true
    const key = f.throttle.per === 'account' ? account : `${account}|${action}`
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: f.throttle.burst, updatedAt: now }
    bucket.tokens = Math.min(f.throttle.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * f.throttle.rate)
    bucket.updatedAt = now
    this.buckets.set(key, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  /** Decides the fate of one request. `requestKey` identifies what was asked (e.g. the marker). */
  decide(account: string, action: string, requestKey: string): FaultDecision {
    const f = this.settingsFor(account)
    const base = `${this.seed}|${account}|${action}|${requestKey}`
    const n = (this.occurrences.get(base) ?? 0) + 1
    this.occurrences.set(base, n)
    const draw = (what: string) => hashToUnit(`${base}|${n}|${what}`)
    if (f.resetRate !== undefined && draw('reset') < f.resetRate) return { kind: 'reset' }
    if (f.stallRate !== undefined && draw('stall') < f.stallRate) return { kind: 'stall', ms: f.stallMs ?? 30_000 }
    if (f.throttleRate !== undefined && draw('throttle') < f.throttleRate) return { kind: 'throttle' }
    if (!this.takeToken(account, action, f)) return { kind: 'throttle' }
    if (f.serviceFailureRate !== undefined && draw('failure') < f.serviceFailureRate) return { kind: 'serviceFailure' }
    if (f.malformedRate !== undefined && draw('malformed') < f.malformedRate) return { kind: 'malformed' }
    return { kind: 'none' }
  }
}
