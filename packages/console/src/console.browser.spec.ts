/**
 * The console in a real Chromium, against the AWS sandbox: connecting a good account, a wrong ExternalId, a role
 * without iam:GetGroup and a malformed Role ARN; syncing with live progress; the green check; the users; a held
 * drop accepted; a reload and a restart. The screenshots in docs/console/ are taken here.
 */
import awsIam from '@connectors/aws-iam'
import { startSandbox, type Sandbox } from '@connectors/aws-sandbox'
import { decodeWith } from '@connectors/core'
import { ToriiUsersFile } from '@connectors/runner'
import Database from 'better-sqlite3'
import * as E from 'fp-ts/Either'
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, organization, roleArnOf, startFixture, useSandbox, type Fixture } from './console.e2e-harness.js'

/**
 * Where the screenshots go: docs/console/ when they are missing there or `UPDATE_SCREENSHOTS=1` asks for them (they
 * show times, so every run would rewrite them), else a scratch folder — taken either way, so the path stays tested.
 */
const PUBLISHED = fileURLToPath(new URL('../../../docs/console/', import.meta.url))
const DOCS = process.env['UPDATE_SCREENSHOTS'] === '1' || !existsSync(`${PUBLISHED}integrations.png`) ? PUBLISHED : `${join(tmpdir(), 'console-screenshots')}/`
const WAIT = 60_000

let fixture: Fixture
let browser: Browser
let page: Page

/** Opens the Connect page of AWS IAM and submits an account; resolves once the form or the test has answered. */
async function connect(name: string, roleArn: string): Promise<void> {
  await page.goto(fixture.console.url)
  await page.locator('.tile[data-connector="aws-iam"]').getByRole('link', { name: 'Connect an account' }).click()
  await page.getByLabel('Account name').fill(name)
  await page.getByLabel('Role ARN').fill(roleArn)
  // The email rule is among the optional settings, folded away until asked for.
  await page.locator('details.more summary').click()
  await page.locator('[name="config.email.template"]').fill(`{username}@${name}.example`)
  await page.getByRole('button', { name: 'Connect' }).click()
}

const step = (name: string) => page.locator(`.check-result [data-step="${name}"]`)

/** Syncs the account whose page is open, and waits for the sync's outcome. */
async function syncHere(expected: string): Promise<void> {
  await page.getByRole('button', { name: 'Sync now' }).click()
  await page.locator(`.sync-panel [data-sync-status="${expected}"]`).waitFor()
}

const visibleUsernames = () => page.locator('.users-table tbody tr[data-user]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user')))

describe('the Integrations console in Chromium', () => {
  beforeAll(async () => {
    fixture = await startFixture()
    browser = await chromium.launch(CHROMIUM)
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true })
    page.setDefaultTimeout(20_000)
    await mkdir(DOCS, { recursive: true })
  }, WAIT)
  afterAll(async () => {
    await browser?.close()
    await fixture?.stop()
  })

  it("a malformed Role ARN: the codec's message under the field, and nothing stored", async () => {
    const roleArn = 'arn:aws:iam::12345:role/ConnectorsReadOnly'
    await connect('bad-arn', roleArn)
    const error = page.locator('#f-config-roleArn-error')
    await error.waitFor()
    const issue = decodeWith(awsIam.config, { connector: 'aws-iam', account: '-', operation: 'config' })({ roleArn })
    const expected = E.isLeft(issue) ? issue.left.issues.find((i) => i.startsWith('roleArn: '))?.slice('roleArn: '.length) : undefined
    expect(expected).toMatch(/^expected an IAM role ARN/)
    expect(await error.textContent()).toBe(expected)
    expect(await page.getByLabel('Role ARN').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('.field-error:not([hidden])').count()).toBe(1)
    const db = new Database(fixture.statePath, { readonly: true })
    expect(db.prepare('SELECT count(*) AS n FROM console_accounts').get()).toEqual({ n: 0 })
    db.close()
  }, WAIT)

  it('a good account: every step ✓, a sync with live progress, the green check, the seeded users and their users file', async () => {
    await connect('acme', roleArnOf(fixture.seed, 0))
    await page.locator('.check-result [data-check-ok="true"]').waitFor()
    for (const name of ['config', 'sts:AssumeRole', 'iam:ListUsers', 'iam:ListGroups', 'iam:GetGroup']) expect(await step(name).getAttribute('data-status')).toBe('ok')
    await page.getByRole('button', { name: 'Sync now' }).click()
    await page.waitForURL(/#\/accounts\/\d+$/)
    await page.locator('.sync-panel [data-sync-status="ok"]').waitFor()
    await page.locator('h1 .green-check').waitFor()
    const seeded = (fixture.seed.accounts[0]?.users ?? []).map((u) => u.name).sort()
    await page.locator(`.users-table tr[data-user="${seeded[0]}"]`).waitFor()
    expect(await page.locator('.pager-summary').getAttribute('data-total')).toBe(String(seeded.length))
    expect(await visibleUsernames()).toEqual(seeded.slice(0, 25))
    expect(await page.locator(`tr[data-user="${seeded[0]}"] td`).nth(1).textContent()).toBe(`${seeded[0]}@acme.example`)
    await page.screenshot({ path: `${DOCS}synced-account.png` })
    await page.getByRole('button', { name: 'Next ›' }).click()
    await page.locator(`.users-table tr[data-user="${seeded[25]}"]`).waitFor()
    expect(await visibleUsernames()).toEqual(seeded.slice(25))
    await page.getByLabel('Search users').fill(seeded[7] as string)
    await page.locator('.pager-summary[data-total="1"]').waitFor()
    expect(await visibleUsernames()).toEqual([seeded[7]])
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download users file' }).click()])
    const file = ToriiUsersFile.decode(JSON.parse(await readFile(await download.path(), 'utf8')))
    expect(E.isRight(file) ? file.right.users.map((u) => u.email).sort() : file).toEqual(seeded.map((n) => `${n}@acme.example`))
  }, WAIT)

  it('a wrong ExternalId: the AssumeRole step ✗ with its fix, later steps skipped, and no green check', async () => {
    await connect('globex', roleArnOf(fixture.seed, 1))
    await page.locator('.check-result [data-check-ok="false"]').waitFor()
    expect(await step('config').getAttribute('data-status')).toBe('ok')
    expect(await step('sts:AssumeRole').getAttribute('data-status')).toBe('failed')
    expect(await step('iam:ListUsers').getAttribute('data-status')).toBe('skipped')
    const fix = await step('sts:AssumeRole').locator('.fix').textContent()
    expect(fix).toContain('trust policy allows the platform\'s principal arn:aws:iam::999999999999:role/connectors-delegator with sts:ExternalId')
    // The placeholder a log line keeps is filled in for the admin reading the page.
    expect(fix).toContain('--org org-console-e2e')
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: `${DOCS}connect-failed-step.png` })
    await page.getByRole('link', { name: 'Open the account' }).click()
    await syncHere('failed')
    expect(await page.locator('h1').getAttribute('data-healthy')).toBe('false')
    expect(await page.locator('.green-check').count()).toBe(0)
  }, WAIT)

  it('a role without iam:GetGroup: that step ✗, the sync partial, no green check', async () => {
    await connect('initech', roleArnOf(fixture.seed, 2))
    await page.locator('.check-result [data-check-ok="false"]').waitFor()
    expect(await step('iam:ListGroups').getAttribute('data-status')).toBe('ok')
    expect(await step('iam:GetGroup').getAttribute('data-status')).toBe('failed')
    expect(await step('iam:GetGroup').locator('.fix').textContent()).toContain("add iam:GetGroup to the role's permission policy")
    await page.getByRole('link', { name: 'Open the account' }).click()
    await syncHere('partial')
    expect(await page.locator('.green-check').count()).toBe(0)
  }, WAIT)

  it('the Integrations page: a tile per connector from its manifest, and every account with its state', async () => {
    await page.goto(fixture.console.url)
    const tile = page.locator('.tile[data-connector="aws-iam"]')
    await tile.waitFor()
    for (const permission of ['iam:ListUsers', 'iam:ListGroups', 'iam:GetGroup', 'iam:ListUserTags']) expect(await tile.textContent()).toContain(permission)
    expect(await tile.locator('.tile-count').textContent()).toBe('3 accounts connected')
    const healthy = await page.locator('table.accounts tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-account'), r.getAttribute('data-healthy'), r.querySelector('.green-check') !== null]))
    expect(healthy).toEqual([
      ['acme', 'true', true],
      ['globex', 'false', false],
      ['initech', 'false', false],
    ])
    await page.screenshot({ path: `${DOCS}integrations.png` })
  }, WAIT)

  it('a reload, and a restart of the console, keep everything: the accounts, their checks, syncs and users', async () => {
    await page.goto(fixture.console.url)
    await page.locator('table.accounts tr[data-account="acme"][data-healthy="true"]').waitFor()
    await page.reload()
    await page.locator('table.accounts tr[data-account="acme"][data-healthy="true"]').waitFor()
    const restarted = await fixture.restart()
    await page.goto(restarted.url)
    await page.locator('table.accounts tr[data-account="acme"] a').click()
    await page.locator('h1 .green-check').waitFor()
    await page.locator('.connection [data-step="iam:GetGroup"][data-status="ok"]').waitFor()
    expect(await page.locator('.pager-summary').getAttribute('data-total')).toBe(String(fixture.seed.accounts[0]?.users.length))
    await page.goto(`${restarted.url}#/`)
    expect(await page.locator('table.accounts tr[data-account="initech"] [data-sync-status]').getAttribute('data-sync-status')).toBe('partial')
  }, WAIT)

  it('a held drop: no green check until it is accepted from the page; the leavers are then deleted', async () => {
    // The same customer account, now with a third of its users: more than the drop guard lets through.
    const smaller = organization(10)
    let shrunk: Sandbox | undefined
    try {
      shrunk = await startSandbox({ seed: smaller })
      useSandbox(shrunk)
      await page.goto(fixture.console.url)
      await page.locator('table.accounts tr[data-account="acme"] a').click()
      await syncHere('held')
      expect(await page.locator('.held').textContent()).toContain('where the last complete one listed 30')
      expect(await page.locator('.green-check').count()).toBe(0)
      await page.getByRole('button', { name: 'Accept the drop' }).click()
      await page.locator('.sync-panel [data-sync-status="ok"]').waitFor()
      await page.locator('h1 .green-check').waitFor()
      await page.locator('.users select[name="status"]').selectOption('deleted')
      await page.locator('.pager-summary[data-total="20"]').waitFor()
    } finally {
      useSandbox(fixture.sandbox)
      await shrunk?.stop()
    }
  }, WAIT)

  it('the ExternalId fixed in the settings: a masked field, used for the test, never shown again', async () => {
    const secret = 'org-someone-else'
    await page.goto(fixture.console.url)
    await page.locator('table.accounts tr[data-account="globex"] a').click()
    await page.locator('details.settings > summary').click()
    const field = page.getByLabel('External ID')
    expect(await field.getAttribute('type')).toBe('password')
    await field.fill(secret)
    await page.getByRole('button', { name: 'Save and test again' }).click()
    await page.locator('.connection [data-check-ok="true"]').waitFor()
    expect(await field.inputValue()).toBe('')
    await page.reload()
    await page.locator('.connection [data-check-ok="true"]').waitFor()
    expect(await page.content()).not.toContain(secret)
  }, WAIT)
})
