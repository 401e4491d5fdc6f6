/**
 * Budgets shared by every worker, kept in Redis by two small Lua scripts (each runs atomically on the server):
 *
 * - the account lock: at most one unit in flight per upstream account in the whole cluster, so that each account's
 *   pacing — learned from its own throttles — stays valid. It expires unless renewed, so a worker that died frees
 *   its accounts within one TTL; only its holder's token renews or releases it.
 * - the AssumeRole bucket: a token bucket for the platform principal's `sts:AssumeRole` calls, which STS counts
 *   against that one principal however many workers make them. A unit takes one token before it starts (it
 *   assumes its account's role once; a renewal mid-listing is rare and not counted).
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'

/** How long an account lock lives without renewal; renewed every third of it while its unit runs. */
export const ACCOUNT_LOCK_TTL_MS = 15_000

const ACQUIRE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

/**
 * Takes one token if there is one; else answers how many ms until there is. Tokens refill continuously at
 * ARGV[1] per second up to ARGV[2]; the server's clock is the only clock, so workers' clocks need not agree.
 */
const TAKE = `local rate = tonumber(ARGV[1]) local burst = tonumber(ARGV[2])
local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 60000)
return wait`

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
})

/** A held account lock. */
export interface AccountLock {
  release(): Promise<void>
}

/** The shared budgets over one Redis connection; `prefix` keeps them apart from another deployment's. */
export class Budgets {
  /** Redis commands sent so far, for the benchmark. */
  roundTrips = 0

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly assumeRole: { readonly rate: number; readonly burst: number },
  ) {}

  private eval(script: string, key: string, ...args: Array<string | number>): Promise<number> {
    this.roundTrips++
    return this.redis.eval(script, 1, key, ...args) as Promise<number>
  }

  /** Waits until the account is free (polling; `signal` gives up), then holds it, renewing it until released. */
  async lockAccount(account: string, signal?: AbortSignal): Promise<AccountLock | undefined> {
    const key = `${this.prefix}:account:${account}`
    const token = randomUUID()
    for (let wait = 100; (await this.eval(ACQUIRE, key, token, ACCOUNT_LOCK_TTL_MS)) !== 1; wait = Math.min(wait * 2, 2000)) {
      if (signal?.aborted === true) return undefined
      await sleep(wait, signal)
    }
    const renewal = setInterval(() => void this.eval(RENEW, key, token, ACCOUNT_LOCK_TTL_MS).catch(() => undefined), ACCOUNT_LOCK_TTL_MS / 3)
    return {
      release: async () => {
        clearInterval(renewal)
        await this.eval(RELEASE, key, token).catch(() => undefined)
      },
    }
  }

  /** Waits for an AssumeRole token of the platform principal `principal`: true once taken, false if `signal` gave up first. */
  async takeAssumeRole(principal: string, signal?: AbortSignal): Promise<boolean> {
    const key = `${this.prefix}:assume-role:${principal}`
    for (;;) {
      const wait = await this.eval(TAKE, key, this.assumeRole.rate, this.assumeRole.burst)
      if (wait === 0) return true
      if (signal?.aborted === true) return false
      await sleep(wait, signal)
    }
  }
}
