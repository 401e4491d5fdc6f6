/**
 * AWS's validation messages (Coral's, shared by IAM, STS and Identity Store), e.g. `1 validation error detected:
 * Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2`.
 * Each returns the message, or `undefined` when the value is fine; the caller wraps it in its service's error.
 */

const violation = (shown: string, field: string, rule: string) => `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${rule}`

/** A required member that is missing. */
export const mustNotBeNull = (field: string) => violation('null', field, 'Member must not be null')

/** A string's length (from `min` to `max`) and pattern (`patternText` as AWS quotes it). */
export function lengthAndPattern(field: string, value: string, min: number, max: number, pattern: RegExp, patternText: string): string | undefined {
  const shown = `'${value.length > 64 ? `${value.slice(0, 64)}…` : value}'`
  if (value.length < min) return violation(shown, field, `Member must have length greater than or equal to ${min}`)
  if (value.length > max) return violation(shown, field, `Member must have length less than or equal to ${max}`)
  if (!pattern.test(value)) return violation(shown, field, `Member must satisfy regular expression pattern: ${patternText}`)
  return undefined
}

/** A whole number from `min` to `max`; `raw` is the value as received. */
export function wholeNumberIn(field: string, raw: string, value: number, min: number, max: number): string | undefined {
  if (Number.isInteger(value) && value >= min && value <= max) return undefined
  return violation(`'${raw}'`, field, value > max ? `Member must have value less than or equal to ${max}` : `Member must have value greater than or equal to ${min}`)
}
