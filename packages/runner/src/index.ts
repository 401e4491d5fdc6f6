/**
 * `@connectors/runner`: loads connectors, runs check and sync over many accounts, writes outputs, renders the
 * capabilities table; the `connectors` CLI.
 * @packageDocumentation
 */
export { createProgram, DEFAULT_CONCURRENCY } from './cli.js'
export { loadConnector, ConnectorLoadError } from './load.js'
export { RunConfig, loadRunConfig, substituteEnv } from './run-config.js'
export { runSync, type Envelope, type SyncUnit, type SyncOptions } from './sync.js'
export { StateStore, type Staging, type RememberedUser, type HistoryEntry } from './state.js'
export { StateWorker, type SyncState } from './state-client.js'
export { renderCapabilitiesTable, generatedFiles } from './capabilities.js'
export { ToriiUsersFile, ToriiUser } from './outputs.js'
