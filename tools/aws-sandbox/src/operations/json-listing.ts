/**
 * A JSON 1.1 `List*` operation (Identity Store's ListUsers, ListGroups, ListGroupMemberships; SSO Admin's
 * ListInstances): required ids validated by length and pattern, `MaxResults` 1–100 (100 when absent, AWS not
 * documenting a default), an opaque `NextToken` returned exactly while more remain, short pages under the
 * `shortPageSize` fault. Members of the wrong JSON type are the framework's SerializationException.
 */
import { isAwsError, JsonErrors, type AwsError } from '../aws-error.js'
import { lengthAndPattern, mustNotBeNull, wholeNumberIn } from './constraints.js'
import type { JsonObject, JsonOperation, JsonService, JsonValue, OperationContext, Permission } from './operation.js'
import { cutPage } from './pagination.js'

/** A required id member and its constraints, as the service model states them. */
export interface IdMember {
  readonly name: string
  readonly min: number
  readonly max: number
  readonly pattern: RegExp
  /** The pattern as AWS quotes it in ValidationException. */
  readonly patternText: string
}

/** The JSON type of a value in the words of AWS's JSON reader (for SerializationException). */
function jsonKind(v: JsonValue): string {
  if (typeof v === 'string') return 'STRING_VALUE'
  if (typeof v === 'number') return 'NUMBER_VALUE'
  if (typeof v === 'boolean') return v ? 'VALUE_TRUE' : 'VALUE_FALSE'
  return Array.isArray(v) ? 'START_ARRAY' : 'START_OBJECT'
}

/** A string member: absent (`undefined`, also for JSON null), the string, or SerializationException. */
export function stringMember(params: JsonObject, name: string): string | undefined | AwsError {
  const v = params[name]
  if (v === undefined || v === null || typeof v === 'string') return v ?? undefined
  return JsonErrors.serialization(`${jsonKind(v)} can not be converted to a String`)
}

function integerMember(params: JsonObject, name: string): number | undefined | AwsError {
  const v = params[name]
  if (v === undefined || v === null) return undefined
  return typeof v === 'number' ? Math.trunc(v) : JsonErrors.serialization(`${jsonKind(v)} can not be converted to an Integer`)
}

const lowerFirst = (s: string) => `${s.charAt(0).toLowerCase()}${s.slice(1)}`

/**
 * Validates the required ids, `MaxResults` and `NextToken` (whose pattern is `nextToken`): first every member's
 * JSON type (AWS reads the whole body before it validates), then each constraint in turn.
 */
function validateListing(params: JsonObject, ids: ReadonlyArray<IdMember>, nextToken: RegExp, nextTokenText: string): AwsError | undefined {
  const read = [...ids.map((id) => stringMember(params, id.name)), integerMember(params, 'MaxResults'), stringMember(params, 'NextToken')]
  const unreadable = read.find(isAwsError)
  if (unreadable !== undefined) return unreadable
  for (const id of ids) {
    const value = params[id.name] as string | undefined | null
    const message = value === undefined || value === null ? mustNotBeNull(lowerFirst(id.name)) : lengthAndPattern(lowerFirst(id.name), value, id.min, id.max, id.pattern, id.patternText)
    if (message !== undefined) return JsonErrors.validation(message)
  }
  const max = read[ids.length] as number | undefined
  const token = read[ids.length + 1] as string | undefined
  const badMax = max === undefined ? undefined : wholeNumberIn('maxResults', String(max), max, 1, 100)
  const badToken = token === undefined ? undefined : lengthAndPattern('nextToken', token, 1, 65535, nextToken, nextTokenText)
  const message = badMax ?? badToken
  return message === undefined ? undefined : JsonErrors.validation(message)
}

/** What a listing lists for one request: its items, and a name tying NextTokens to it. */
export interface Listed {
  readonly items: ReadonlyArray<JsonValue>
  readonly listing: string
}

/** Builds a JSON `List*` operation answering `{ [element]: page, NextToken? }`. */
export function jsonListing(spec: {
  readonly service: JsonService
  readonly action: string
  /** The response member holding the page, e.g. `Users`. */
  readonly element: string
  readonly ids: ReadonlyArray<IdMember>
  readonly nextToken: { readonly pattern: RegExp; readonly text: string }
  readonly authorize: (ctx: OperationContext<JsonObject>) => Permission
  /** The items (all of them), or the error when what the ids name does not exist. */
  readonly list: (ctx: OperationContext<JsonObject>) => Listed | AwsError
}): JsonOperation {
  return {
    service: spec.service,
    action: spec.action,
    validate: (ctx) => validateListing(ctx.params, spec.ids, spec.nextToken.pattern, spec.nextToken.text),
    authorize: spec.authorize,
    requestKey: (params) => [...spec.ids.map((id) => params[id.name]), params['NextToken']].map((v) => (typeof v === 'string' ? v : '')).join('|'),
    handle: (ctx) => {
      const listed = spec.list(ctx)
      if (isAwsError(listed)) return listed
      const max = ctx.params['MaxResults']
      const token = ctx.params['NextToken']
      const page = cutPage(listed.items, {
        max: typeof max === 'number' ? Math.trunc(max) : 100,
        marker: typeof token === 'string' ? token : undefined,
        listing: listed.listing,
        shortPageSize: ctx.faults.shortPageSize,
        encoding: 'base64',
      })
      if (page === undefined) return JsonErrors.validation('Invalid NextToken.')
      return { [spec.element]: page.items, ...(page.next !== undefined ? { NextToken: page.next } : {}) }
    },
  }
}
