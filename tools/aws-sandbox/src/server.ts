/**
 * The HTTP server: authenticate (SigV4, keys, sessions), route by the credential scope's service and the
 * `Action`, inject faults, authorize against the caller's policies ∩ session policy, answer Query-protocol XML.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AwsErrors, isAwsError, type AwsError } from './aws-error.js'
import { FaultInjector, type Faults } from './faults.js'
import { apiVersions, findOperation, type Caller, type OperationContext } from './operations/index.js'
import { accountOfArn, refusalOf } from './policy.js'
import type { Seed } from './seed.js'
import { parseAuthorization, verifySignature } from './sigv4.js'
import { SandboxState } from './state.js'
import { StatsRecorder, type SandboxStats } from './stats.js'
import { errorXml, namespaces, successXml, type Service } from './xml.js'

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
  /** `http://127.0.0.1:<port>` — pass it as the IAM and STS endpoint. */
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

/** A syntactically valid listing of about 50 MB (one absurd user name). */
function hugeXml(service: Service, action: string): string {
  const element = action === 'ListUsers' ? 'Users' : 'Groups'
  const name = action === 'ListUsers' ? 'UserName' : 'GroupName'
  return `<${action}Response xmlns="${namespaces[service]}"><${action}Result><IsTruncated>false</IsTruncated><${element}><member><${name}>${'x'.repeat(50 * 1024 * 1024)}</${name}></member></${element}></${action}Result></${action}Response>`
}

/** The "billion laughs": nested entity definitions that expand exponentially in a parser that expands them. */
function entityBombXml(service: Service, action: string): string {
  const defs = ['<!ENTITY lol0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`)].join('')
  const element = action === 'ListUsers' ? 'Users' : 'Groups'
  const name = action === 'ListUsers' ? 'UserName' : 'GroupName'
  return `<?xml version="1.0"?><!DOCTYPE lolz [${defs}]><${action}Response xmlns="${namespaces[service]}"><${action}Result><IsTruncated>false</IsTruncated><${element}><member><${name}>&lol9;</${name}><UserId>AIDABOMB</UserId><GroupId>AGPABOMB</GroupId></member></${element}></${action}Result></${action}Response>`
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

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

  function send(res: ServerResponse, status: number, body: string, requestId: string): void {
    // Date by the sandbox's clock: the SDK corrects its clock skew from it, as it does against AWS.
    res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': requestId, date: now().toUTCString() })
    res.end(body)
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
    let service: Service = 'iam'
    const fail = (error: AwsError, account = '-', action = '-') => {
      stats.record(account, action, error.code)
      send(res, error.status, errorXml(service, error, requestId), requestId)
    }
    const body = await readBody(req)
    if (body === undefined) return fail(AwsErrors.validationError('Request body too large.'))
    const started = performance.now()
    const auth = parseAuthorization(req.headers.authorization)
    if (isAwsError(auth)) return fail(auth)
    if (auth.service !== 'iam' && auth.service !== 'sts') return fail(AwsErrors.invalidAction(`Unknown service in the credential scope: ${auth.service}`))
    service = auth.service
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
    const params = new URLSearchParams(body)
    for (const [k, v] of url.searchParams) if (!params.has(k)) params.set(k, v)
    const action = params.get('Action')
    if (action === null) return fail(AwsErrors.missingAction(), resolved.caller.account)
    const op = findOperation(service, action)
    const version = params.get('Version')
    if (op === undefined || version !== apiVersions[service]) {
      return fail(AwsErrors.invalidAction(`Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`), resolved.caller.account, action)
    }
    if (action === 'AssumeRole') stats.note(params.has('ExternalId') ? 'assumeRoleWithExternalId' : 'assumeRoleWithoutExternalId')
    const base = { caller: resolved.caller, state, params, now: now() }
    const account = op.accountOf?.(base) ?? resolved.caller.account
    const ctx: OperationContext = { ...base, faults: injector.settingsFor(account) }
    const decision = injector.decide(account, action, op.requestKey?.(params) ?? '')
    const latency = injector.latencyFor(account, requestId)

    let status = 200
    let xml: string
    let outcome = 'ok'
    if (decision.kind === 'throttle' || decision.kind === 'serviceFailure') {
      const error = decision.kind === 'throttle' ? AwsErrors.throttling() : AwsErrors.serviceFailure()
      stats.fault(decision.kind)
      ;({ status, outcome } = { status: error.status, outcome: error.code })
      xml = errorXml(service, error, requestId)
    } else {
      const permission = op.authorize?.(ctx)
      const refusal =
        permission === undefined
          ? undefined
          : resolved.caller.kind === 'session'
            ? refusalOf(resolved.caller.session.role.permissionPolicies, resolved.caller.session.sessionPolicy, permission)
            : refusalOf(resolved.caller.policies, undefined, permission)
      const result =
        refusal !== undefined && permission !== undefined
          ? AwsErrors.accessDenied(`User: ${resolved.caller.arn} is not authorized to perform: ${permission.action} on resource: ${permission.resource} ${refusal}`)
          : op.handle(ctx)
      if (isAwsError(result)) {
        status = result.status
        outcome = result.code
        xml = errorXml(service, result, requestId)
      } else xml = successXml(service, action, result, requestId)
    }
    stats.overhead(action, performance.now() - started)
    if (latency > 0) await sleep(latency)
    if (decision.kind === 'reset') {
      stats.fault('reset')
      stats.record(account, action, 'reset')
      req.socket.destroy()
      return
    }
    if (decision.kind === 'stall') {
      stats.fault('stall')
      stats.record(account, action, 'stall')
      await sleep(decision.ms)
      req.socket.destroy()
      return
    }
    if (status === 200 && ctx.faults.hostile !== undefined && (action === 'ListUsers' || action === 'ListGroups')) {
      if (ctx.faults.hostile === 'hugeResponse') xml = hugeXml(service, action)
      else if (ctx.faults.hostile === 'entityBomb') xml = entityBombXml(service, action)
      if (ctx.faults.hostile === 'hugeResponse' || ctx.faults.hostile === 'entityBomb') stats.fault(ctx.faults.hostile)
    }
    if (decision.kind === 'malformed') {
      stats.fault('malformed')
      outcome = 'malformed'
      xml = xml.slice(0, Math.max(1, Math.floor(xml.length / 2)))
    }
    stats.record(account, action, outcome)
    send(res, status, xml, requestId)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const body = errorXml('iam', AwsErrors.serviceFailure(), 'internal')
      if (!res.headersSent) send(res, 500, body, 'internal')
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
