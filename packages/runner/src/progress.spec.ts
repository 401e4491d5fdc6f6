import type { AnyConnector } from '@connectors/core'
import { describe, expect, it } from 'vitest'
import { createProgress } from './progress.js'
import type { Envelope } from './sync.js'

describe('createProgress', () => {
  it('draws one line per started account and redraws in place', () => {
    const frames: string[] = []
    const connector = { id: 'aws-iam' } as AnyConnector
    const a = { connector, name: 'a', config: {} }
    const b = { connector, name: 'b', config: {} }
    const progress = createProgress([a, b], (s) => frames.push(s))
    progress.update(a, { type: 'apiCall', operation: 'iam:ListUsers' })
    progress.update(a, { type: 'page', entity: 'users', records: 7 })
    progress.update(a, { type: 'throttled', operation: 'iam:GetGroup' })
    progress.update(a, { type: 'done', envelope: { status: 'ok' } as Envelope })
    progress.finish()
    const last = (frames.at(-1) ?? '').replace(/\u001b\[\d*[AK]/g, '')
    expect(last).toBe('sync: 1/2 accounts done\n  ok      aws-iam/a: 1 pages, 7 users, 1 calls, 1 throttles\n')
    expect(frames.at(-1)).toMatch(/^\u001b\[2A/)
  })
})
