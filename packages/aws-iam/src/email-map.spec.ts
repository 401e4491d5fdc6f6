import * as E from 'fp-ts/Either'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EmailRule } from './config.js'
import { emailEntries } from './email-map.js'

const scope = { connector: 'aws-iam', account: '123456789012' }

describe('the email map file', () => {
  it('reads CSV (with or without a header) and JSON, relative to the run config, its entries winning over the inline map', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'email-map-'))
    await writeFile(join(dir, 'emails.csv'), 'username,email\nbob, robert@acme.example\r\n\nops,ops@acme.example\n')
    await writeFile(join(dir, 'emails.json'), '{"bob": "bobby@acme.example"}')
    const csv = await emailEntries({ map: { bob: 'old@acme.example', kim: 'kim@acme.example' }, mapFile: 'emails.csv' } as unknown as EmailRule, dir, scope)
    expect(csv).toEqual(E.right(new Map([['bob', 'robert@acme.example'], ['kim', 'kim@acme.example'], ['ops', 'ops@acme.example']])))
    expect(await emailEntries({ mapFile: 'emails.json' }, dir, scope)).toEqual(E.right(new Map([['bob', 'bobby@acme.example']])))
  })

  it('names the file, the line and the rule when it cannot be used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'email-map-'))
    await writeFile(join(dir, 'bad.csv'), 'bob,robert@acme.example\nann,not-an-address\n')
    expect(await emailEntries({ mapFile: 'bad.csv' }, dir, scope)).toMatchObject(E.left({ reason: 'InvalidConfig', issues: ['email.mapFile: line 2: expected username,email with an email address like jane@example.com as the second value'], fix: expect.stringContaining(join(dir, 'bad.csv')) }))
    expect(await emailEntries({ mapFile: 'missing.csv' }, dir, scope)).toMatchObject(E.left({ issues: [`email.mapFile: cannot read ${join(dir, 'missing.csv')} (ENOENT)`] }))
  })
})
