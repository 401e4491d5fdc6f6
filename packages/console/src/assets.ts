/**
 * The page's few files, read once from the package's `public/` folder and served by exact name: a request can
 * only ever name one of them, never a path. The page is plain ES modules and CSS — no build step.
 */
import type { FastifyInstance } from 'fastify'
import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/** Every file under `dir`, by its path relative to it (`views/users.js`). */
function filesUnder(dir: string, prefix = ''): Array<[string, Buffer]> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e): Array<[string, Buffer]> => (e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : TYPES[extname(e.name)] !== undefined ? [[`${prefix}${e.name}`, readFileSync(join(dir, e.name))]] : []))
}

/** Serves `/` (the page, with this process's CSRF token in a meta tag) and `/static/<file>`. */
export function serveAssets(app: FastifyInstance, csrf: string): void {
  const files = new Map(filesUnder(fileURLToPath(new URL('../public/', import.meta.url))))
  const page = (files.get('index.html') ?? Buffer.from('')).toString('utf8').replace('{{csrf}}', csrf)
  app.get('/', async (_request, reply) => reply.type(TYPES['.html'] as string).header('cache-control', 'no-store').send(page))
  app.get<{ Params: { '*': string } }>('/static/*', async (request, reply) => {
    const name = request.params['*']
    const body = name === 'index.html' ? undefined : files.get(name)
    if (body === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n')
    return reply.type(TYPES[extname(name)] as string).header('cache-control', 'no-cache').send(body)
  })
  app.get('/favicon.ico', async (_request, reply) => reply.redirect('/static/icon.svg', 301))
}
