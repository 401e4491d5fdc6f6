import { patternString, strictObject } from '@connectors/core'
import { exampleConnector, FakeDirectory, sampleDirectory } from '@connectors/testkit/example'
import { describe, expect, it } from 'vitest'
import { createLogger, redactedFields } from './logger.js'

describe('the logger', () => {
  it("redacts what the connectors' codecs mark sensitive, wherever it appears, and any whole config", () => {
    const example = exampleConnector(() => new FakeDirectory(sampleDirectory, 'tok_x'))
    const custom = { ...example, config: strictObject('Custom', { apiKey: patternString('ApiKey', { pattern: /./, expected: 'a key', sensitive: true }), tenant: patternString('Tenant', { pattern: /./, expected: 't' }) }) }
    const fields = redactedFields([example, custom])
    expect(fields).toEqual(['apiKey', 'config', 'token'])
    const lines: string[] = []
    const logger = createLogger('info', 'json', (line) => lines.push(line), fields)
    logger.info({ apiKey: 'k-123', request: { token: 'tok_secret' }, config: { tenant: 'acme' }, tenant: 'acme', deep: { a: { b: { c: [{ d: { token: 'tok_deep' } }] } } } }, 'called')
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
    expect(line).toMatchObject({ level: 'info', msg: 'called', apiKey: '[redacted]', request: { token: '[redacted]' }, config: '[redacted]', tenant: 'acme', deep: { a: { b: { c: [{ d: { token: '[redacted]' } }] } } } })
    expect(lines.join('')).not.toMatch(/k-123|tok_secret|tok_deep/)
    const pretty: string[] = []
    createLogger('info', 'pretty', (l) => pretty.push(l), fields).info({ nested: { apiKey: 'k-456' } }, 'called')
    expect(pretty.join('')).not.toContain('k-456')
    expect(line['time']).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/)
  })
})
