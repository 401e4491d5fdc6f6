/**
 * The JSON Schemas fastify validates every request against before a handler sees it: strict (no unknown keys, no
 * type coercion), bounded (sizes, counts). An account's `config` is only required to be an object here: the
 * connector's codec decodes it next, so that every message about a field is the one `connectors validate` prints.
 */

const id = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const

export const accountParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } } } as const

export const connectorParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$' } } } as const

/** Connecting or editing an account. */
export const accountBody = {
  type: 'object',
  additionalProperties: false,
  required: ['connector', 'name', 'config'],
  properties: {
    connector: { type: 'string', minLength: 1, maxLength: 64 },
    name: { type: 'string', maxLength: 200 },
    config: { type: 'object', maxProperties: 64 },
    exclude: { type: 'array', maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 200 } },
  },
} as const

/** A request with nothing to say (a connection test, a removal): an empty object, so it is still JSON. */
export const emptyBody = { type: 'object', additionalProperties: false, maxProperties: 0 } as const

/** Syncing some accounts (all of them without `accounts`), or accepting one held drop. */
export const syncBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    accounts: { type: 'array', minItems: 1, maxItems: 10_000, uniqueItems: true, items: id },
    acceptDrop: { type: 'boolean' },
  },
} as const

export const usersQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 200 },
    status: { type: 'string', enum: ['active', 'deleted'] },
    page: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' },
    size: { type: 'string', enum: ['10', '25', '50', '100'] },
  },
} as const

export const setupFileQuery = { type: 'object', additionalProperties: false, required: ['file'], properties: { file: { type: 'string', minLength: 1, maxLength: 200 } } } as const

/** Fastify's validator, made strict: its defaults drop unknown keys silently and coerce types. */
export const AJV_OPTIONS = { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: true } } as const
