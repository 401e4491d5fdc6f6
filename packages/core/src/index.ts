/**
 * `@connectors/core`: the Connector contract, the canonical records, `ConnectorError`, config decoding and
 * JSON Schema, and the effects every connector shares (pagination, retry, adaptive concurrency).
 * @packageDocumentation
 */
export * from './errors.js'
export * from './codecs.js'
export * from './closest.js'
export * from './strict.js'
export * from './decode.js'
export * from './json-schema.js'
export * from './records.js'
export * from './manifest.js'
export * from './connector.js'
export * from './sync.js'
export * from './check.js'
export * from './effects/stream.js'
export * from './effects/paginate.js'
export * from './effects/retry.js'
export * from './effects/concurrency.js'
export * from './effects/rate.js'
export * from './effects/random.js'
