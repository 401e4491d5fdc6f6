/**
 * Live progress: what a page following `/api/events` learns of a sync it started — queued, running, done — and the
 * account as it stands afterwards, through the runner's own outputs and state.
 */
import { acquireLock } from '@connectors/runner'
import { readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, csrfOf, roleArnOf, startFixture, type Fixture } from './console.e2e-harness.js'

interface Received {
  readonly seq: number
  readonly type: string
  readonly data: Record<string, unknown>
}

/** Follows the event stream of `base` until `until` says the events so far are enough. */
function follow(base: string, until: (events: ReadonlyArray<Received>) => boolean): { ready: Promise<void>; done: Promise<Received[]> } {
  let opened: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (opened = resolve))
  const done = new Promise<Received[]>((resolve, reject) => {
    const events: Received[] = []
    const req = request(new URL('/api/events', base), { headers: { accept: 'text/event-stream' } }, (res) => {
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
      expect(res.headers['content-security-policy']).toContain("default-src 'none'")
      let buffer = ''
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8')
        opened()
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const type = /^event: (.+)$/m.exec(frame)?.[1]
          const data = /^data: (.+)$/m.exec(frame)?.[1]
          const seq = Number(/^id: (\d+)$/m.exec(frame)?.[1])
          if (type !== undefined && data !== undefined) events.push({ seq, type, data: JSON.parse(data) as Record<string, unknown> })
        }
        if (until(events)) {
          req.destroy()
          resolve(events)
        }
      })
    })
    req.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)))
    req.end()
  })
  return { ready, done }
}

describe('live progress', () => {
  let fixture: Fixture
  beforeAll(async () => {
    fixture = await startFixture()
  })
  afterAll(() => fixture.stop())

  it('tells every page of a sync as it goes: queued, running, done, then the account with its outcome', async () => {
    const base = fixture.console.url
    const headers = { 'content-type': 'application/json', 'x-csrf-token': await csrfOf(base) }
    const created = await call(new URL('/api/accounts', base).href, { method: 'POST', headers, body: JSON.stringify({ connector: 'aws-iam', name: 'acme', config: { roleArn: roleArnOf(fixture.seed, 0), email: { template: '{username}@acme.example' } } }) })
    const id = created.json()['id'] as number
    const stream = follow(base, (events) => events.some((e) => e.type === 'job' && e.data['running'] === false))
    await stream.ready
    const started = await call(new URL('/api/sync', base).href, { method: 'POST', headers, body: JSON.stringify({ accounts: [id] }) })
    expect(started.status).toBe(202)
    expect(started.json()).toEqual({ queued: [id], refused: [] })
    const events = await stream.done
    // Numbered in order: a page that read the state at number n applies exactly the events after it.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => (events[0]?.seq ?? 0) + i))
    const phases = events.filter((e) => e.type === 'progress').map((e) => e.data['phase'])
    expect(phases[0]).toBe('queued')
    expect(phases).toContain('running')
    expect(phases.at(-1)).toBe('done')
    expect(events.find((e) => e.type === 'progress' && e.data['phase'] === 'done')?.data).toEqual({ id, phase: 'done', users: 30, status: 'ok' })
    const account = events.filter((e) => e.type === 'account').at(-1)?.data as { sync: { status: string; counts: { users: number } }; usersFile: boolean } | undefined
    expect(account?.sync.status).toBe('ok')
    expect(account?.sync.counts.users).toBe(30)
    expect(account?.usersFile).toBe(true)
    // A page that asks afterwards reads the same, and the runner's report says so too.
    const users = await call(new URL(`/api/accounts/${id}/users?q=user-00002&size=10`, base).href)
    expect(users.json()).toMatchObject({ total: 10, all: 30, page: 1, size: 10 })
    const report = JSON.parse(await readFile(join(fixture.out, 'report.json'), 'utf8')) as { units: Array<{ unit: string; status: string }> }
    expect(report.units.map((u) => [u.unit, u.status])).toEqual([['acme', 'ok']])
  })

  it('takes the same locks as `connectors sync`: while another run holds the state file, a sync is refused, saying by whom', async () => {
    const base = fixture.console.url
    const headers = { 'content-type': 'application/json', 'x-csrf-token': await csrfOf(base) }
    const held = await acquireLock(`${fixture.statePath}.lock`, `the state file ${fixture.statePath}`, 'another-run')
    try {
      const stream = follow(base, (events) => events.some((e) => e.type === 'job' && e.data['running'] === false))
      await stream.ready
      await call(new URL('/api/sync', base).href, { method: 'POST', headers, body: '{}' })
      const refused = (await stream.done).find((e) => e.type === 'progress' && e.data['phase'] === 'refused')?.data['message']
      expect(refused).toMatch(/^the state file .* is in use by another run \(pid \d+ on .*, run another-run\)/)
    } finally {
      await held.release()
    }
  })
})
