/**
 * The rest of the API: the Integrations overview, a connector's form schema and setup kit, starting syncs, and
 * the server-sent-events stream the page follows them on.
 */
import type { FastifyInstance } from 'fastify'
import type { ServerResponse } from 'node:http'
import { posix } from 'node:path'
import { sseFrame } from './events.js'
import { view } from './routes-accounts.js'
import { connectorParams, setupFileQuery, syncBody } from './schemas.js'
import { SECURITY_HEADERS } from './security.js'
import type { ConsoleDeps } from './server.js'

/** A comment line on an idle stream, so proxies and browsers keep it open. */
const KEEPALIVE_MS = 15_000

export function consoleRoutes(app: FastifyInstance, deps: ConsoleDeps, streams: Set<ServerResponse>): void {
  const { catalog } = deps.accounts

  app.get('/api/overview', async () => {
    const accounts = deps.accounts.list()
    return {
      platform: { organizationId: catalog.platform.organizationId ?? null, principalArn: catalog.platform.principalArn ?? null },
      connectors: catalog.entries.map((e) => ({ ...catalog.tile(e), accounts: accounts.filter((a) => a.connector === e.id).length })),
      accounts: accounts.map((a) => view(deps, a)),
      syncing: deps.jobs.running,
      seq: deps.events.seq,
    }
  })

  app.get<{ Params: { id: string } }>('/api/connectors/:id', { schema: { params: connectorParams } }, async (request, reply) => {
    const entry = catalog.get(request.params.id)
    if (entry === undefined) return reply.code(404).send({ error: 'no such connector' })
    return {
      tile: catalog.tile(entry),
      schema: entry.schema,
      sensitive: [...entry.sensitive],
      platform: { organizationId: catalog.platform.organizationId ?? null, principalArn: catalog.platform.principalArn ?? null },
      setup: entry.setup,
    }
  })

  app.get<{ Params: { id: string }; Querystring: { file: string } }>('/api/connectors/:id/setup-file', { schema: { params: connectorParams, querystring: setupFileQuery } }, async (request, reply) => {
    const doc = catalog.get(request.params.id)?.setup.find((d) => d.file === request.query.file)
    if (doc === undefined) return reply.code(404).send({ error: 'no such file in the setup kit' })
    const name = posix.basename(doc.file).replace(/[^A-Za-z0-9._-]/g, '_')
    return reply.type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(doc.content)
  })

  app.post<{ Body: { accounts?: number[]; acceptDrop?: boolean } }>('/api/sync', { schema: { body: syncBody } }, async (request, reply) => {
    const { accounts: ids, acceptDrop = false } = request.body
    const accounts = ids === undefined ? deps.accounts.list() : ids.map((id) => deps.accounts.get(id))
    if (accounts.some((a) => a === undefined)) return reply.code(404).send({ error: 'no such account' })
    const chosen = accounts.filter((a) => a !== undefined)
    // Accepting a drop is a decision about one account whose sync was held, never a blanket flag.
    if (acceptDrop && (chosen.length !== 1 || chosen[0]?.lastSync?.status !== 'held')) return reply.code(409).send({ error: 'only the held drop of one account can be accepted' })
    if (chosen.length === 0) return reply.code(409).send({ error: 'no account to sync: connect one first' })
    return reply.code(202).send(deps.jobs.request(chosen, acceptDrop))
  })

  app.get('/api/events', (request, reply) => {
    reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' })
    raw.write('retry: 2000\n\n')
    streams.add(raw)
    // A page that went away mid-write is the close handler's to clean up, not an error of the server's.
    raw.on('error', () => undefined)
    const unsubscribe = deps.events.subscribe((event) => void raw.write(sseFrame(event)))
    const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS)
    keepalive.unref()
    request.raw.on('close', () => {
      clearInterval(keepalive)
      unsubscribe()
      streams.delete(raw)
    })
  })
}
