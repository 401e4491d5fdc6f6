/**
 * `@connectors/testkit`: the conformance suite every connector must pass, and the PostgreSQL and Redis servers that
 * tests of the distributed mode run against.
 * @packageDocumentation
 */
export * from './conformance.js'
export * from './services.js'
