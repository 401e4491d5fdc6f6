/**
 * The console's defences, as fastify hooks:
 * - on loopback, only the Host names of this machine are served (a page elsewhere that re-points its own name
 *   at 127.0.0.1 — DNS rebinding — gets nothing);
 * - with a token, every request presents it (a cookie set by opening `/?token=…`, or `Authorization: Bearer`);
 * - a request that changes state carries the page's CSRF token in a header, comes from this origin when the
 *   browser says where it comes from, and is `application/json` (which no cross-site form can send);
 * - every response carries a strict Content-Security-Policy (no inline script or style), nosniff, no framing and
 *   no referrer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { randomBytes, timingSafeEqual } from 'node:crypto'

/** The headers every response carries (the event stream writes them itself). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
}

export interface Guard {
  /** Host names a loopback console answers to (`127.0.0.1:4780`…); undefined: any (a token guards instead). */
  readonly hosts: ReadonlySet<string> | undefined
  /** The token every request needs, when one is required. */
  readonly token?: string
  /** The CSRF token of this process: the page reads it from its `<meta>`, and sends it back in a header. */
  readonly csrf: string
  /** The port, which names the token cookie (cookies do not tell ports apart). */
  readonly port: number
}

export const newSecret = () => randomBytes(32).toString('base64url')

const same = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const cookieOf = (request: FastifyRequest, name: string): string | undefined => {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

const hostOf = (origin: string) => {
  try {
    return new URL(origin).host.toLowerCase()
  } catch {
    return undefined
  }
}

const CHANGES_STATE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function refuse(request: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply {
  if (request.url.startsWith('/api/')) return reply.code(status).type('application/json; charset=utf-8').send({ error: message })
  return reply.code(status).type('text/plain; charset=utf-8').send(`${message}\n`)
}

/** Installs the defences on `app`. */
export function guard(app: FastifyInstance, settings: Guard): void {
  app.addHook('onRequest', async (request, reply) => {
    const cookie = `connectors_console_${settings.port}`
    if (settings.hosts !== undefined && !settings.hosts.has((request.headers.host ?? '').toLowerCase())) return refuse(request, reply, 421, 'this console answers only to its own address (open it at the URL it printed)')
    if (settings.token !== undefined) {
      const url = new URL(request.url, 'http://console')
      const offered = url.searchParams.get('token')
      if (request.method === 'GET' && url.pathname === '/' && offered !== null) {
        if (!same(offered, settings.token)) return refuse(request, reply, 401, 'wrong token')
        // The token moves into a cookie this origin alone sends, and out of the address bar and history.
        return reply.code(303).header('set-cookie', `${cookie}=${settings.token}; Path=/; HttpOnly; SameSite=Strict`).header('location', '/').send()
      }
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
      const presented = bearer ?? cookieOf(request, cookie)
      if (presented === undefined || !same(presented, settings.token)) return refuse(request, reply, 401, 'this console needs its token: open the URL it printed, with ?token=…')
    }
    if (!CHANGES_STATE.has(request.method)) return
    const site = request.headers['sec-fetch-site']
    if (site !== undefined && site !== 'same-origin') return refuse(request, reply, 403, 'cross-site request refused')
    const origin = request.headers.origin
    if (origin !== undefined && hostOf(origin) !== (request.headers.host ?? '').toLowerCase()) return refuse(request, reply, 403, 'cross-origin request refused')
    const csrf = request.headers['x-csrf-token']
    if (typeof csrf !== 'string' || !same(csrf, settings.csrf)) return refuse(request, reply, 403, 'missing or wrong CSRF token: reload the page')
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json') return refuse(request, reply, 415, 'expected a JSON body (content-type: application/json)')
  })
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value)
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store')
    return payload
  })
}

/** The Host names a loopback console on `port` answers to. */
export function loopbackHosts(host: string, port: number): ReadonlySet<string> {
  return new Set([`${host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].map((h) => h.toLowerCase()))
}
