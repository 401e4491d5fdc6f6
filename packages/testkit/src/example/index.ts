/**
 * `@connectors/testkit/example`: a tiny connector over an in-memory directory, the reference for writing
 * connectors and the subject of the conformance suite's own tests.
 * @packageDocumentation
 */
export { exampleConnector, ExampleConfig, type DirectoryLookup } from './example-connector.js'
export { FakeDirectory, FakeApiError, sampleDirectory, type DirectoryData, type Permission } from './fake-directory.js'
