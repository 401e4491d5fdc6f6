/**
 * The console's defences, over plain HTTP: security headers, the Host check, CSRF, content types, schema-validated
 * bodies, errors without stacks, and the token off loopback.
 */
import awsIam from '@connectors/aws-iam'
import { allBytesUnder } from '@connectors/aws-sandbox/testing'
import type { AnyConnector } from '@connectors/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, csrfOf, recordingLogger, roleArnOf, startFixture, type Fixture } from './console.e2e-harness.js'
import { ConsoleOptionsError } from './index.js'

describe('the console over HTTP', () => {
  let fixture: Fixture
  let base: string
  let csrf: string
  let host: string
  const json = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', 'x-csrf-token': csrf, ...extra })

  beforeAll(async () => {
    fixture = await startFixture()
    base = fixture.console.url
    host = new URL(base).host
    csrf = await csrfOf(base)
  })
  afterAll(() => fixture.stop())

  it('sends a strict CSP (no inline script or style), nosniff, no framing and no referrer on every response', async () => {
    for (const path of ['/', '/static/js/app.js', '/api/overview', '/api/nowhere', '/nowhere']) {
      const { headers } = await call(new URL(path, base).href)
      const csp = String(headers['content-security-policy'])
      expect(csp).toContain("default-src 'none'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("style-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain('unsafe')
      expect(headers['x-content-type-options']).toBe('nosniff')
      expect(headers['x-frame-options']).toBe('DENY')
      expect(headers['referrer-policy']).toBe('no-referrer')
    }
    const page = (await call(base)).body
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
    expect(page).not.toMatch(/\sstyle=|\son[a-z]+=/)
  })

  it('answers only to the names of this machine: a page that re-points its own name here gets nothing', async () => {
    expect((await call(base, { headers: { host: `attacker.example:${new URL(base).port}` } })).status).toBe(421)
    expect((await call(new URL('/api/overview', base).href, { headers: { host: 'attacker.example' } })).status).toBe(421)
    expect((await call(base, { headers: { host: `localhost:${new URL(base).port}` } })).status).toBe(200)
  })

  it('refuses a change without the CSRF token, from another site or origin, or that is not JSON', async () => {
    const sync = new URL('/api/sync', base).href
    const post = (headers: Record<string, string>, body = '{}') => call(sync, { method: 'POST', headers, body })
    expect((await post({ 'content-type': 'application/json' })).status).toBe(403)
    expect((await post({ 'content-type': 'application/json', 'x-csrf-token': 'forged' })).status).toBe(403)
    expect((await post(json({ 'sec-fetch-site': 'cross-site' }))).status).toBe(403)
    expect((await post(json({ origin: 'http://attacker.example' }))).status).toBe(403)
    expect((await post(json({ 'content-type': 'text/plain' }))).status).toBe(415)
    expect((await post(json({ 'content-type': 'application/x-www-form-urlencoded' }), 'accounts=1')).status).toBe(415)
    // With all of it, the request reaches its handler.
    const reached = await post(json({ origin: `http://${host}`, 'sec-fetch-site': 'same-origin' }))
    expect(reached.status).toBe(409)
    expect(reached.json()['error']).toBe('no account to sync: connect one first')
  })

  it('validates every body by its schema before a handler runs: no unknown key, no coerced type, no oversized body', async () => {
    const accounts = new URL('/api/accounts', base).href
    const extra = await call(accounts, { method: 'POST', headers: json(), body: JSON.stringify({ connector: 'aws-iam', name: 'a', config: {}, admin: true }) })
    expect(extra.status).toBe(400)
    expect(extra.json<{ issues: unknown[] }>().issues).toContainEqual({ path: '', message: 'unknown key "admin"' })
    const notObject = await call(accounts, { method: 'POST', headers: json(), body: JSON.stringify({ connector: 'aws-iam', name: 'a', config: 'roleArn' }) })
    expect(notObject.json<{ issues: unknown[] }>().issues).toContainEqual({ path: 'config', message: 'must be object' })
    expect((await call(new URL('/api/sync', base).href, { method: 'POST', headers: json(), body: JSON.stringify({ accounts: ['1'] }) })).status).toBe(400)
    const malformed = await call(accounts, { method: 'POST', headers: json(), body: '{"connector":' })
    expect(malformed.status).toBe(400)
    expect(malformed.body).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d/)
    expect((await call(accounts, { method: 'POST', headers: json(), body: JSON.stringify({ connector: 'aws-iam', name: 'a', config: { roleArn: 'x'.repeat(70_000) } }) })).status).toBe(413)
    expect((await call(new URL('/api/accounts/1/users?page=1&size=1000', base).href)).status).toBe(400)
  })

  it("decodes a config with the connector's codec: one message per field, the CLI's words, nothing stored", async () => {
    const config = { roleArn: 'arn:aws:iam::12345:role/x', regoin: 'us-east-1', email: { template: 'nobody' } }
    const answer = await call(new URL('/api/accounts', base).href, { method: 'POST', headers: json(), body: JSON.stringify({ connector: 'aws-iam', name: 'has space', config }) })
    expect(answer.status).toBe(400)
    const issues = answer.json<{ issues: Array<{ path: string; message: string }> }>().issues
    const decoded = awsIam.config.decode(config)
    expect(decoded._tag).toBe('Left')
    expect(issues.map((i) => i.path).sort()).toEqual(['config.email.template', 'config.regoin', 'config.roleArn', 'name'])
    expect(issues.find((i) => i.path === 'config.regoin')?.message).toBe('unknown key — did you mean "region"?')
    expect(issues.find((i) => i.path === 'config.roleArn')?.message).toMatch(/^expected an IAM role ARN like arn:aws:iam::123456789012:role\/[^,]+, got "arn:aws:iam::12345:role\/x"$/)
    expect((await call(new URL('/api/overview', base).href)).json<{ accounts: unknown[] }>().accounts).toEqual([])
  })

  it("refuses what only the operator sets: endpoints (where the platform's credentials go) and files on this host", async () => {
    const config = { roleArn: 'arn:aws:iam::123456789012:role/ConnectorsReadOnly', endpoints: { sts: 'https://attacker.example' }, email: { mapFile: '/etc/passwd' } }
    const answer = await call(new URL('/api/accounts', base).href, { method: 'POST', headers: json(), body: JSON.stringify({ connector: 'aws-iam', name: 'acme', config }) })
    expect(answer.status).toBe(400)
    const issues = answer.json<{ issues: Array<{ path: string; message: string }> }>().issues
    expect(issues.map((i) => i.path).sort()).toEqual(['config.email.mapFile', 'config.endpoints'])
    expect(issues[0]?.message).toContain("set by the platform's operator in a run config")
    expect((await call(new URL('/api/overview', base).href)).json<{ accounts: unknown[] }>().accounts).toEqual([])
    // The form never offers them.
    const schema = JSON.stringify((await call(new URL('/api/connectors/aws-iam', base).href)).json())
    expect(schema).toContain('"roleArn"')
    expect(schema).not.toContain('"endpoints"')
    expect(schema).not.toContain('"mapFile"')
  })
})

describe('sensitive values', () => {
  let fixture: Fixture
  const logger = recordingLogger()
  beforeAll(async () => {
    fixture = await startFixture({ logger })
  })
  afterAll(() => fixture.stop())

  it('are used for this session only: never stored, logged or sent back; after a restart they are asked for again', async () => {
    // The second account's trust policy expects its own ExternalId: the account's config must give it.
    const secret = 'org-someone-else'
    const base = fixture.console.url
    const headers = { 'content-type': 'application/json', 'x-csrf-token': await csrfOf(base) }
    const body = JSON.stringify({ connector: 'aws-iam', name: 'globex', config: { roleArn: roleArnOf(fixture.seed, 1), externalId: secret, email: { template: '{username}@globex.example' } } })
    const created = await call(new URL('/api/accounts', base).href, { method: 'POST', headers, body })
    expect(created.status).toBe(201)
    expect(created.body).not.toContain(secret)
    const { id, secretPaths, secretsHeld } = created.json<{ id: number; secretPaths: string[]; secretsHeld: boolean }>()
    expect({ secretPaths, secretsHeld }).toEqual({ secretPaths: ['externalId'], secretsHeld: true })
    const checked = await call(new URL(`/api/accounts/${id}/check`, base).href, { method: 'POST', headers, body: '{}' })
    expect(checked.json<{ connected: boolean }>().connected).toBe(true)
    expect(checked.body).not.toContain(secret)
    expect(JSON.stringify(logger.lines)).not.toContain(secret)

    const restarted = await fixture.restart()
    const again = { 'content-type': 'application/json', 'x-csrf-token': await csrfOf(restarted.url) }
    const account = await call(new URL(`/api/accounts/${id}`, restarted.url).href)
    expect(account.json<{ secretsHeld: boolean }>().secretsHeld).toBe(false)
    const refused = await call(new URL(`/api/accounts/${id}/check`, restarted.url).href, { method: 'POST', headers: again, body: '{}' })
    expect(refused.status).toBe(409)
    expect(refused.json()['error']).toBe('externalId of "globex" is not stored (sensitive values never are): enter it again in the account\'s settings')
    const sync = await call(new URL('/api/sync', restarted.url).href, { method: 'POST', headers: again, body: JSON.stringify({ accounts: [id] }) })
    expect(sync.json<{ refused: Array<{ message: string }> }>().refused[0]?.message).toContain('is not stored')
    expect(await allBytesUnder(fixture.dir)).not.toContain(secret)
  })
})

describe('errors', () => {
  it('never show a stack or a local path; the log has them', async () => {
    const logger = recordingLogger()
    const broken: AnyConnector = { ...awsIam, check: () => () => Promise.reject(new Error('exploded in /srv/secret/path.ts')) }
    const fixture = await startFixture({ connectors: [{ packageName: '@connectors/aws-iam', connector: broken }], logger })
    try {
      const base = fixture.console.url
      const headers = { 'content-type': 'application/json', 'x-csrf-token': await csrfOf(base) }
      const created = await call(new URL('/api/accounts', base).href, { method: 'POST', headers, body: JSON.stringify({ connector: 'aws-iam', name: 'acme', config: { roleArn: roleArnOf(fixture.seed, 0) } }) })
      const failed = await call(new URL(`/api/accounts/${created.json()['id'] as number}/check`, base).href, { method: 'POST', headers, body: '{}' })
      expect(failed.status).toBe(500)
      expect(failed.json()).toEqual({ error: 'internal error: the console logged it; try again, or restart the console' })
      expect(logger.lines.find((l) => l.level === 'error')?.fields['stack']).toContain('/srv/secret/path.ts')
    } finally {
      await fixture.stop()
    }
  })
})

describe('off loopback', () => {
  it('requires a token on every request: generated when none is given, then kept in a strict cookie', async () => {
    await expect(startFixture({ host: '0.0.0.0', token: 'short' })).rejects.toThrow(ConsoleOptionsError)
    const fixture = await startFixture({ host: '0.0.0.0' })
    try {
      const { url, token } = fixture.console
      expect(token).toMatch(/^[\w-]{43}$/)
      expect(url).toContain(`?token=${token}`)
      const base = `http://127.0.0.1:${new URL(url).port}`
      expect((await call(`${base}/`)).status).toBe(401)
      expect((await call(`${base}/api/overview`)).status).toBe(401)
      expect((await call(`${base}/?token=wrong`)).status).toBe(401)
      const opened = await call(`${base}/?token=${token}`)
      expect(opened.status).toBe(303)
      expect(opened.headers.location).toBe('/')
      const cookie = String(opened.headers['set-cookie']).split(';')[0] as string
      expect(String(opened.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/)
      expect((await call(`${base}/`, { headers: { cookie } })).status).toBe(200)
      expect((await call(`${base}/api/overview`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
      expect((await call(`${base}/api/events`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    } finally {
      await fixture.stop()
    }
  })
})
