/**
 * `@connectors/runner`: loads connectors, runs check and sync over many accounts, writes outputs, renders the
 * capabilities table; the `connectors` CLI.
 * @packageDocumentation
 */
export { createProgram, DEFAULT_CONCURRENCY, type Io } from './cli.js'
export { EXIT } from './commands/io.js'
export { loadConnector, ConnectorLoadError } from './load.js'
export { RunConfig, loadRunConfig, substituteEnv } from './run-config.js'
export { planUnits, fileNameOf } from './plan.js'
export { runSync, type Report, type SyncOptions, type SyncResult } from './run/run.js'
export { runUnit, openOutputs, type PlannedUnit, type UnitOutputs } from './run/unit.js'
export type { Envelope, UnitStatus } from './run/envelope.js'
export type { OutputSink } from './run/sinks/sink.js'
export { StateStore, type Staging, type RememberedUser, type HistoryEntry, type RunResult } from './state.js'
export { StateWorker, type SyncState, type StateReader, type StateBackend } from './state-client.js'
export { PgState } from './state-pg.js'
export { openStateBackend, lockState, describeState, isPostgresUrl, locationOf } from './state-open.js'
export { startWorker, type WorkerDeps } from './distributed/worker.js'
export { Budgets } from './distributed/budget.js'
export { renderCapabilitiesTable, generatedFiles } from './capabilities.js'
export { ToriiUsersFile, ToriiUser, ToriiLicenseHolder, toriiUser } from './platform/torii.js'
export { acquireLock, LockedError, type Lock, type LockHolder } from './lock.js'
export { unitPaths } from './run/paths.js'
export { DEFAULT_DROP_THRESHOLD } from './run/drop-guard.js'
