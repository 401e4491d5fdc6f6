/**
 * `@connectors/console`: the Integrations console — a local web app over the runner that connects accounts in
 * the browser, tests them step by step, syncs them in the background and shows their users. `connectors console`
 * starts it; so can any program that loaded connectors.
 * @packageDocumentation
 */
export { startConsole } from './start.js'
export { ConsoleOptionsError, DEFAULT_HOST, DEFAULT_PORT, isLoopback, type ConsoleOptions, type InstalledConnector, type RunningConsole } from './options.js'
