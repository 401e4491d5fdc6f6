/**
 * Starting and stopping the console: the catalog of connectors, the accounts table, the state reader, the sync
 * queue, and the server bound safely — loopback unless told otherwise, and then only with a token.
 */
import { silentLogger } from '@connectors/core'
import { DEFAULT_CONCURRENCY } from '@connectors/runner'
import type { ServerResponse } from 'node:http'
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { AccountStore } from './accounts.js'
import { Catalog } from './catalog.js'
import { EventBus } from './events.js'
import { SyncJobs } from './jobs.js'
import { ConsoleOptionsError, DEFAULT_HOST, DEFAULT_PORT, isLoopback, type ConsoleOptions, type RunningConsole } from './options.js'
import { loopbackHosts, newSecret, type Guard } from './security.js'
import { buildServer } from './server.js'
import { AccountService } from './service.js'
import { UsersView } from './users.js'

/** The shortest token a non-loopback console accepts: it is all that stands between the network and the accounts. */
const MIN_TOKEN = 16

/** Starts the console; resolves once it listens. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const host = options.host ?? DEFAULT_HOST
  const loopback = isLoopback(host)
  if (options.token !== undefined && options.token.length < MIN_TOKEN) throw new ConsoleOptionsError(`--token: at least ${MIN_TOKEN} characters (it guards every account); or leave it out and one is generated`)
  // Off loopback, anyone who can reach the port could connect accounts and read users: a token is required.
  const token = options.token ?? (loopback ? undefined : newSecret())
  const platform = options.platform ?? {}
  const catalog = new Catalog(options.connectors, platform)
  const logger = options.logger ?? silentLogger
  const statePath = resolve(options.statePath)
  const out = resolve(options.out)
  const baseDir = options.baseDir !== undefined ? { baseDir: options.baseDir } : {}
  // The runner's store creates (or migrates) its tables; the users view reads them through it.
  const users = new UsersView(statePath)
  const store = AccountStore.open(statePath)
  const events = new EventBus()
  const accounts = new AccountService(store, catalog, events, { out, env: options.env, platform, logger, ...baseDir })
  const jobs = new SyncJobs(accounts, events, { out, statePath, env: options.env, platform, logger, concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, ...(options.dropThreshold !== undefined ? { dropThreshold: options.dropThreshold } : {}), ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}), ...baseDir })
  const streams = new Set<ServerResponse>()
  const port = options.port ?? DEFAULT_PORT
  const csrf = newSecret()
  const closeStores = () => {
    users.close()
    store.close()
  }
  let app: ReturnType<typeof buildServer> | undefined
  try {
    // The guard needs the port a request names, known only once listening when the port is 0: it reads it late.
    let bound = port
    let hosts = loopbackHosts(host, bound)
    const guardSettings: Guard = {
      ...(token !== undefined ? { token } : {}),
      csrf,
      get port() {
        return bound
      },
      get hosts() {
        return loopback ? hosts : undefined
      },
    }
    app = buildServer({ accounts, jobs, users, events, logger }, guardSettings, streams)
    await app.listen({ host, port })
    const address = app.server.address()
    bound = typeof address === 'object' && address !== null ? address.port : port
    hosts = loopbackHosts(host, bound)
    // Bound to every address: the machine's name is what another machine can open.
    const shown = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
    const url = `http://${shown}:${bound}/${token !== undefined ? `?token=${token}` : ''}`
    const server = app
    return {
      url,
      ...(token !== undefined ? { token } : {}),
      close: async () => {
        for (const stream of streams) stream.end()
        await jobs.close()
        await server.close()
        closeStores()
      },
    }
  } catch (error) {
    await app?.close()
    closeStores()
    const code = (error as { code?: string }).code
    if (code === 'EADDRINUSE') throw new ConsoleOptionsError(`port ${port} on ${host} is in use: give another with --port`)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ConsoleOptionsError(`--host ${host}: not an address of this machine`)
    throw error
  }
}
