/**
 * The HTTP server: fastify with the console's defences, its page, its API, and errors that tell the user what
 * was wrong with the request — never a stack, a local path or an internal message (those go to the log).
 */
import { silentLogger, type Logger } from '@connectors/core'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { ServerResponse } from 'node:http'
import { serveAssets } from './assets.js'
import type { EventBus } from './events.js'
import type { SyncJobs } from './jobs.js'
import { accountRoutes } from './routes-accounts.js'
import { consoleRoutes } from './routes-console.js'
import { AJV_OPTIONS } from './schemas.js'
import { guard, type Guard } from './security.js'
import type { AccountService } from './service.js'
import type { UsersView } from './users.js'

/** What the routes work with. */
export interface ConsoleDeps {
  readonly accounts: AccountService
  readonly jobs: SyncJobs
  readonly users: UsersView
  readonly events: EventBus
  readonly logger?: Logger
}

/** Request bodies are small: an account's settings. */
const BODY_LIMIT = 64 * 1024

interface AjvIssue {
  readonly instancePath: string
  readonly keyword: string
  readonly message?: string
  readonly params: Record<string, unknown>
}

/** A schema violation in the console's words: the field (`name`, `exclude`) and what was wrong with it. */
function issueOf(v: AjvIssue): { path: string; message: string } {
  const path = v.instancePath.replace(/^\//, '').split('/')[0] ?? ''
  if (v.keyword === 'additionalProperties') return { path, message: `unknown key "${String(v.params['additionalProperty'])}"` }
  return { path, message: v.message ?? `invalid (${v.keyword})` }
}

/** The fastify app, ready to listen. `streams` collects the open event streams, which closing ends. */
export function buildServer(deps: ConsoleDeps, settings: Guard, streams: Set<ServerResponse>): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, ajv: AJV_OPTIONS, forceCloseConnections: true, return503OnClosing: true })
  const logger = deps.logger ?? silentLogger
  guard(app, settings)
  // JSON is the only body the API takes (fastify's text/plain parser is removed with the others).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, app.getDefaultJsonParser('error', 'error'))
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      return reply.code(400).send({ error: 'the request is invalid', issues: (error.validation as unknown as AjvIssue[]).map(issueOf) })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      // fastify's own client errors (a body too large, malformed JSON, a media type it does not take) say what was wrong.
      return reply.code(status).send({ error: typeof error.code === 'string' && error.code.startsWith('FST_') ? error.message : 'the request was refused' })
    }
    logger.error({ method: request.method, url: request.url.split('?')[0], error: error.message, stack: error.stack }, 'console: request failed')
    return reply.code(500).send({ error: 'internal error: the console logged it; try again, or restart the console' })
  })
  app.setNotFoundHandler((request, reply) => reply.code(404).type(request.url.startsWith('/api/') ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8').send(request.url.startsWith('/api/') ? { error: 'not found' } : 'not found\n'))
  serveAssets(app, settings.csrf)
  accountRoutes(app, deps)
  consoleRoutes(app, deps, streams)
  return app
}
