/** Deterministic chance: a seeded PRNG for the generator and an order-independent hash for fault decisions. */
import { createHash } from 'node:crypto'

/** mulberry32, shared with core's simulations. */
export { seededRandom } from '@connectors/core'

/** FNV-1a over a string, mixed, mapped to [0, 1): the same key always draws the same number. */
export function hashToUnit(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return (h >>> 0) / 4294967296
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** An IAM-style unique id (`AIDA…`, `AGPA…`, `AROA…`): the prefix and 17 base-32 characters drawn from `random`. */
export function iamId(prefix: string, random: () => number): string {
  let s = prefix
  for (let i = 0; i < 17; i++) s += ID_CHARS[Math.floor(random() * ID_CHARS.length)]
  return s
}

/** `length` lowercase hex characters derived from `key` (sha256): stable ids that need no random stream. */
export function hexOf(key: string, length: number): string {
  return createHash('sha256').update(key).digest('hex').slice(0, length)
}

/** A UUID-shaped id derived from `key`, as Identity Store's user, group and membership ids look. */
export function uuidOf(key: string): string {
  const h = hexOf(key, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}
