/**
 * The console in a real Chromium for AWS IAM Identity Center, against the AWS sandbox whose accounts each hold an
 * Identity Store: the tile and the setup kit from the connector's manifest, the generated form (Region required, the
 * Identity Store id left to discovery), the check in the connector's order, a sync with the people's own emails,
 * names and groups, the people without an email named with the connector's own fix, and a malformed store id.
 */
import awsIam from '@connectors/aws-iam'
import awsIdentityCenter from '@connectors/aws-identity-center'
import { decodeWith } from '@connectors/core'
import { ToriiUsersFile } from '@connectors/runner'
import Database from 'better-sqlite3'
import * as E from 'fp-ts/Either'
import { readFile } from 'node:fs/promises'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, ORGANIZATION_ID, organization, PRINCIPAL_ARN, roleArnOf, startFixture, type Fixture } from './console.e2e-harness.js'

const WAIT = 60_000
const CONNECTOR = 'aws-identity-center'
const REGION = 'eu-west-1'
const { manifest } = awsIdentityCenter

let fixture: Fixture
let browser: Browser
let page: Page

/** Opens the Connect page of the Identity Center tile from the Integrations page. */
async function openConnect(): Promise<void> {
  await page.goto(fixture.console.url)
  await page.locator(`.tile[data-connector="${CONNECTOR}"]`).getByRole('link', { name: 'Connect an account' }).click()
  await page.locator(`form.account-form[data-connector="${CONNECTOR}"]`).waitFor()
}

/** Fills the generated form's required fields and, when given, the Identity Store id among the optional ones. */
async function fill(name: string, roleArn: string, identityStoreId?: string): Promise<void> {
  await page.getByLabel('Account name').fill(name)
  await page.getByLabel('Role ARN').fill(roleArn)
  await page.getByLabel('Region').fill(REGION)
  if (identityStoreId !== undefined) {
    await page.locator('details.more summary').click()
    await page.getByLabel('Identity store ID').fill(identityStoreId)
  }
}

const texts = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => e.textContent ?? ''))
const storedAccounts = () => {
  const db = new Database(fixture.statePath, { readonly: true })
  try {
    return db.prepare('SELECT count(*) AS n FROM console_accounts').get()
  } finally {
    db.close()
  }
}

describe('the console for AWS IAM Identity Center, in Chromium', () => {
  beforeAll(async () => {
    const connectors = [
      { packageName: '@connectors/aws-iam', connector: awsIam },
      { packageName: '@connectors/aws-identity-center', connector: awsIdentityCenter },
    ]
    fixture = await startFixture({ connectors }, organization(30, { identityStore: true }))
    browser = await chromium.launch(CHROMIUM)
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true })
    page.setDefaultTimeout(20_000)
  }, WAIT)
  afterAll(async () => {
    await browser?.close()
    await fixture?.stop()
  })

  it("the tile and the Connect page: the connector's manifest, its setup kit's policies, and Region required", async () => {
    await page.goto(fixture.console.url)
    const tile = page.locator(`.tile[data-connector="${CONNECTOR}"]`)
    await tile.waitFor()
    expect(await tile.locator('h3').textContent()).toBe('AWS IAM Identity Center')
    // A chip's own text, without the feature an optional permission is tagged with.
    const chips = (term: string) =>
      tile.evaluate((el, dt) => {
        const dd = [...el.querySelectorAll('dt')].find((d) => d.textContent === dt)?.nextElementSibling
        return [...(dd?.querySelectorAll('.chip') ?? [])].map((c) => c.firstChild?.textContent ?? '')
      }, term)
    expect(await chips('User fields')).toEqual(manifest.userFields.map((f) => f.name))
    expect(await chips('License types')).toEqual(['AWS IAM Identity Center'])
    expect(await chips('Required permissions')).toEqual(['identitystore:ListUsers', 'identitystore:ListGroups', 'identitystore:ListGroupMemberships'])
    expect(await chips('Optional permissions')).toEqual(['sso:ListInstances'])
    expect(await tile.locator('.feature').textContent()).toBe('discovery')

    await openConnect()
    // The kit's permission policy and trust policy, with this installation's organization id and principal.
    const [permission, trust] = (await texts('.setup .code-block[data-lang="json"] pre')).map((t) => JSON.parse(t) as { Statement: Array<Record<string, unknown>> })
    expect(permission?.Statement[0]?.['Action']).toEqual(['identitystore:ListUsers', 'identitystore:ListGroups', 'identitystore:ListGroupMemberships'])
    expect(trust?.Statement[0]).toMatchObject({ Principal: { AWS: PRINCIPAL_ARN }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': ORGANIZATION_ID } } })
    // The optional permission, with the feature that needs it, in the kit's table of optional features.
    const optional = await page.locator('.setup table.md-table', { hasText: 'sso:ListInstances' }).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)))
    expect(optional).toEqual([['discovery', 'sso:ListInstances']])

    const region = page.getByLabel('Region')
    expect(await region.getAttribute('aria-required')).toBe('true')
    expect(await page.locator('.field[data-path="config.region"] label .required').count()).toBe(1)
    // Required fields are always in view; the Identity Store id waits among the optional settings.
    expect(await page.locator('details.more .field[data-path="config.region"]').count()).toBe(0)
    expect(await page.locator('details.more .field[data-path="config.identityStoreId"]').count()).toBe(1)
    expect(await page.getByLabel('Identity store ID').getAttribute('aria-required')).toBeNull()
  }, WAIT)

  it("a malformed Identity Store id: the codec's message under the field, and nothing stored", async () => {
    const identityStoreId = 'd-12'
    await openConnect()
    await fill('bad-store', roleArnOf(fixture.seed, 0), identityStoreId)
    await page.getByRole('button', { name: 'Connect' }).click()
    const error = page.locator('#f-config-identityStoreId-error')
    await error.waitFor()
    const decoded = decodeWith(awsIdentityCenter.config, { connector: CONNECTOR, account: '-', operation: 'config' })({ roleArn: roleArnOf(fixture.seed, 0), region: REGION, identityStoreId })
    const expected = E.isLeft(decoded) ? decoded.left.issues.find((i) => i.startsWith('identityStoreId: '))?.slice('identityStoreId: '.length) : undefined
    expect(expected).toMatch(/^expected an Identity Store id like d-1234567890/)
    expect(await error.textContent()).toBe(expected)
    expect(await page.getByLabel('Identity store ID').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('.field-error:not([hidden])').count()).toBe(1)
    expect(storedAccounts()).toEqual({ n: 0 })
  }, WAIT)

  it("a discovered store: every step ✓ in the connector's order, a sync with the people's own emails, names and groups", async () => {
    const store = fixture.seed.accounts[0]?.identityStore
    if (store === undefined) throw new Error('the seed has no Identity Store')
    await openConnect()
    await fill('acme-sso', roleArnOf(fixture.seed, 0))
    await page.getByRole('button', { name: 'Connect' }).click()
    await page.locator('.check-result [data-check-ok="true"]').waitFor()
    const steps = await page.locator('.check-result [data-step]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-status')]))
    expect(steps).toEqual(['config', 'sts:AssumeRole', 'sso:ListInstances', 'identitystore:ListUsers', 'identitystore:ListGroups', 'identitystore:ListGroupMemberships'].map((s) => [s, 'ok']))

    await page.getByRole('button', { name: 'Sync now' }).click()
    await page.waitForURL(/#\/accounts\/\d+$/)
    await page.locator('.sync-panel [data-sync-status="ok"]').waitFor()
    await page.locator('h1 .green-check').waitFor()

    const people = [...store.users].sort((a, b) => a.name.localeCompare(b.name))
    const withoutEmail = people.filter((p) => p.email === undefined).map((p) => p.name)
    expect(withoutEmail.length).toBeGreaterThan(0)
    // The report's users without an email, by name, and the connector's own fix — no other connector's advice.
    const unmatched = page.locator('.sync-panel .unmatched-email')
    expect(await unmatched.getAttribute('data-count')).toBe(String(withoutEmail.length))
    expect((await unmatched.locator('.names').textContent())?.split(', ').sort()).toEqual(withoutEmail)
    expect(await unmatched.locator('.fix').textContent()).toBe(`Fix: ${manifest.missingEmailFix ?? ''}`)
    expect(await page.locator('.sync-panel [data-count="unmatchedEmail"] dd').textContent()).toBe(String(withoutEmail.length))
    expect(await page.locator('.sync-panel').textContent()).not.toMatch(/email rule|template/i)

    expect(await texts('.users-table thead th')).toEqual(['Username', 'Name', 'Email', 'Status', 'Roles'])
    await page.locator(`.users-table tr[data-user="${people[0]?.name}"]`).waitFor()
    expect(await page.locator('.pager-summary').getAttribute('data-total')).toBe(String(people.length))
    const rows = await page.locator('.users-table tbody tr[data-user]').evaluateAll((trs) =>
      trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.getAttribute('data-column'), td.textContent ?? '']))),
    )
    // Roles are the display names of the person's groups; Identity Center's own status word stands beside ours.
    const groupsOf = (user: string) => store.groups.filter((g) => g.members.includes(user)).map((g) => g.name)
    const expected = people.slice(0, 25).map((p) => ({
      username: p.name,
      name: p.displayName,
      email: p.email ?? 'no email',
      status: `active ${p.disabled === true ? 'DISABLED' : 'ENABLED'}`,
      roles: groupsOf(p.name).join(', ') || 'none',
    }))
    expect(rows).toEqual(expected)

    await page.getByLabel('Search users').fill(people[3]?.displayName ?? '')
    await page.locator(`.pager-summary[data-total="${people.filter((p) => p.displayName === people[3]?.displayName).length}"]`).waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download users file' }).click()])
    const file = ToriiUsersFile.decode(JSON.parse(await readFile(await download.path(), 'utf8')))
    expect(E.isRight(file) ? file.right.users.map((u) => u.email).sort() : file).toEqual(people.flatMap((p) => (p.email === undefined ? [] : [p.email])).sort())
  }, WAIT)
})
