/**
 * `@connectors/testkit`: the conformance suite every connector must pass.
 * @packageDocumentation
 */
export * from './conformance.js'
