/**
 * What the console is started with. Everything it needs is passed in — the loaded connectors, the platform's
 * identity, where the state and outputs live, the environment the AWS SDK reads — so the `connectors console`
 * command, the demo and the tests start the same console the same way.
 */
import type { AnyConnector, Logger, PlatformIdentity } from '@connectors/core'

/** A connector as the runner found it: its package name and the loaded, validated module. */
export interface InstalledConnector {
  readonly packageName: string
  readonly connector: AnyConnector
}

/** How to start the console. */
export interface ConsoleOptions {
  readonly connectors: ReadonlyArray<InstalledConnector>
  /** The platform's identity: the organization id (every account's default ExternalId) and principal. */
  readonly platform?: PlatformIdentity
  /** The SQLite state file: the runner's snapshots and history, and the console's accounts beside them. */
  readonly statePath: string
  /** The output folder syncs write to (records, platform users files, report.json). */
  readonly out: string
  /** Address to bind; 127.0.0.1 by default. Any address other than loopback requires a token. */
  readonly host?: string
  /** Port; 4780 by default, 0 picks a free one. */
  readonly port?: number
  /** Required on every request when set (as a cookie set from `/?token=…`, or `Authorization: Bearer …`). */
  readonly token?: string
  /** The environment connectors read (endpoint overrides, credential sources), as `sync` passes it. */
  readonly env: Readonly<Record<string, string | undefined>>
  readonly logger?: Logger
  /** Accounts synced at once. */
  readonly concurrency?: number
  /** The drop guard's threshold (a share of an account's users). */
  readonly dropThreshold?: number
  /** How long a deleted user stays in every users file, in days. */
  readonly retentionDays?: number
  /** The folder relative paths in account configs (an email map file) are read from. */
  readonly baseDir?: string
}

/** A running console. */
export interface RunningConsole {
  /** The address to open (with `?token=…` when a token is required). */
  readonly url: string
  /** The token every request needs, when one is required. */
  readonly token?: string
  /** Stops serving, interrupts a running sync (which applies nothing) and closes the state. */
  close(): Promise<void>
}

/** Options the console cannot start with (a non-loopback address without a usable token, a bad platform identity). */
export class ConsoleOptionsError extends Error {
  override readonly name = 'ConsoleOptionsError'
}

export const DEFAULT_PORT = 4780
export const DEFAULT_HOST = '127.0.0.1'

/** Loopback addresses: only this machine can reach them. */
export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host)
