/**
 * The drop guard: a complete sync that lost more than a set share of an account's users is more likely a
 * misconfigured upstream (a wrong role, a filtered listing) than a mass departure, so its deletions are held back
 * until an operator accepts them.
 */
import type { DropFinding } from './envelope.js'

/** The default share of an account's users a sync may drop before it is held back. */
export const DEFAULT_DROP_THRESHOLD = 0.3

/** The guard's settings for a run. */
export interface DropPolicy {
  readonly threshold: number
  /** Apply a drop over the threshold anyway (`--accept-drop`). */
  readonly accept: boolean
}

/** The finding that holds a sync back, or `undefined` when its deletions may be applied. */
export function heldDrop(policy: DropPolicy, previous: number, vanished: number, current: number): DropFinding | undefined {
  const share = previous === 0 ? 0 : vanished / previous
  if (share <= policy.threshold || policy.accept) return undefined
  return { previous, current, share: Math.round(share * 1000) / 1000, threshold: policy.threshold }
}
