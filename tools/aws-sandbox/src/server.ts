/**
 * The HTTP server: pick the protocol (JSON 1.1 when the request has an `X-Amz-Target`, else Query), authenticate
 * (SigV4, keys, sessions), route (`query-protocol.ts` by the credential scope's service and the `Action`;
 * `json-protocol.ts` by the target), then run the operation through `pipeline.ts` (faults, authorization against
 * the caller's policies ∩ session policy, stats) and answer in the protocol's terms.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AwsErrors, isAwsError, type AwsError } from './aws-error.js'
import { FaultInjector, type Faults } from './faults.js'
import { jsonProtocol } from './json-protocol.js'
import type { Caller } from './operations/index.js'
import { run, type Rendered } from './pipeline.js'
import { accountOfArn } from './policy.js'
import { queryProtocol } from './query-protocol.js'
import type { Seed } from './seed.js'
import { parseAuthorization, verifySignature } from './sigv4.js'
import { SandboxState } from './state.js'
import { StatsRecorder, type SandboxStats } from './stats.js'
import { errorXml } from './xml.js'

/** Options for {@link startSandbox}. */
export interface SandboxOptions {
  readonly seed: Seed
  /** 0 (the default) picks a free port. */
  readonly port?: number
  /** Loopback only by default. */
  readonly host?: string
  /** Seeds every fault decision. */
  readonly randomSeed?: number
  /** Global faults, over the seed's own. */
  readonly faults?: Faults
  /** The clock (tests move it to expire sessions and credential reports); also the responses' `Date`. */
  readonly now?: () => Date
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:<port>` — pass it as the IAM, STS, Identity Store and SSO Admin endpoint. */
  readonly endpoint: string
  readonly state: SandboxState
  readonly stats: () => SandboxStats
  /** Changes the faults of one account (or, with `undefined`, the global ones) while running. */
  readonly setFaults: (account: string | undefined, faults: Faults) => void
  readonly stop: () => Promise<void>
}

const MAX_BODY = 1024 * 1024

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        resolve(undefined)
        req.resume()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Starts a sandbox on loopback and resolves once it listens. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const state = new SandboxState(options.seed)
  const now = options.now ?? (() => new Date())
  const perAccount = new Map<string, Faults>(options.seed.accounts.flatMap((a) => (a.faults !== undefined ? [[a.id, a.faults] as const] : [])))
  let globalFaults: Faults = { ...options.seed.faults, ...options.faults }
  let injector = new FaultInjector(options.randomSeed ?? 1, globalFaults, perAccount)
  const stats = new StatsRecorder()

  function resolveCaller(accessKeyId: string, token: string | undefined): { caller: Caller; secret: string; token?: string } | AwsError {
    const principal = state.principals.get(accessKeyId)
    if (principal !== undefined) {
      return { caller: { kind: 'principal', arn: principal.arn, account: accountOfArn(principal.arn) ?? '000000000000', policies: principal.policies ?? [] }, secret: principal.secretAccessKey }
    }
    const session = state.sessions.get(accessKeyId)
    if (session === undefined || token === undefined || token !== session.sessionToken) return AwsErrors.invalidClientTokenId()
    if (now().getTime() >= session.expiresAt) return AwsErrors.expiredToken()
    return { caller: { kind: 'session', arn: session.assumedRoleArn, account: session.account, session }, secret: session.secretAccessKey, token: session.sessionToken }
  }

  function send(res: ServerResponse, rendered: Rendered, contentType: string, requestId: string): void {
    // Date by the sandbox's clock: the SDK corrects its clock skew from it, as it does against AWS.
    res.writeHead(rendered.status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(rendered.body),
      'x-amzn-requestid': requestId,
      date: now().toUTCString(),
      ...rendered.headers,
    })
    res.end(rendered.body)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox')
    if (req.method === 'GET' && url.pathname === '/_sandbox/stats') {
      const body = JSON.stringify(stats.snapshot())
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
      return
    }
    const requestId = randomUUID()
    // JSON 1.1 requests name their operation in X-Amz-Target; Query requests carry an Action, and their errors the
    // namespace of the service their credential scope names, once it is known.
    const target = req.headers['x-amz-target']
    const protocolFor = (scopeService?: string) => (typeof target === 'string' ? jsonProtocol(target) : queryProtocol(scopeService))
    let protocol = protocolFor()
    const fail = (error: AwsError, account = '-', action = '-') => {
      const rendered = protocol.failure(error, requestId)
      stats.record(account, action, rendered.outcome)
      send(res, rendered, protocol.contentType, requestId)
    }
    const body = await readBody(req)
    if (body === undefined) return fail(AwsErrors.validationError('Request body too large.'))
    const started = performance.now()
    const auth = parseAuthorization(req.headers.authorization)
    if (isAwsError(auth)) return fail(auth)
    protocol = protocolFor(auth.service)
    const token = req.headers['x-amz-security-token']
    const resolved = resolveCaller(auth.accessKeyId, typeof token === 'string' ? token : undefined)
    if (isAwsError(resolved)) return fail(resolved)
    const query = Object.fromEntries(url.searchParams)
    const badSignature = await verifySignature(
      { method: req.method ?? 'POST', path: url.pathname, query, headers: req.headers, body },
      auth,
      { accessKeyId: auth.accessKeyId, secretAccessKey: resolved.secret, ...(resolved.token !== undefined ? { sessionToken: resolved.token } : {}) },
      now(),
    )
    if (badSignature !== undefined) return fail(badSignature, resolved.caller.account)
    const routed = protocol.route(auth.service, body, url, { caller: resolved.caller, state, now: now() })
    if ('error' in routed) return fail(routed.error, resolved.caller.account, routed.name)
    const rendered = await run({ injector, stats, protocol }, routed, requestId, started)
    if (rendered === undefined) req.socket.destroy()
    else send(res, rendered, protocol.contentType, requestId)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const body = errorXml('iam', AwsErrors.serviceFailure(), 'internal')
      if (!res.headersSent) send(res, { status: 500, body, outcome: 'ServiceFailure' }, 'text/xml', 'internal')
      console.error('aws-sandbox: internal error', error)
    })
  })
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    endpoint: `http://${host}:${address.port}`,
    state,
    stats: () => stats.snapshot(),
    setFaults: (account, faults) => {
      if (account === undefined) globalFaults = faults
      else perAccount.set(account, faults)
      injector = new FaultInjector(options.randomSeed ?? 1, globalFaults, perAccount)
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
