/**
 * "Did you mean …?": the closest of some known names to a mistyped one, when it is close enough to be a typo.
 * @module
 */
import { closest, distance } from 'fastest-levenshtein'

/** The known name nearest to `typed`, if within a third of its length (at least 2 edits); otherwise undefined. */
export function didYouMean(typed: string, known: ReadonlyArray<string>): string | undefined {
  if (known.length === 0) return undefined
  const best = closest(typed, [...known])
  return distance(typed, best) <= Math.max(2, Math.floor(typed.length / 3)) ? best : undefined
}

/** ` — did you mean "x"?`, or nothing. */
export const suggestion = (typed: string, known: ReadonlyArray<string>): string => {
  const best = didYouMean(typed, known)
  return best === undefined ? '' : ` — did you mean "${best}"?`
}
