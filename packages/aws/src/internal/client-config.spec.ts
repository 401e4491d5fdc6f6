import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { sharedSettings } from './client-config.js'

/** What `sharedSettings()` answers in a fresh process with `env` (the settings are looked up once per process). */
function settingsUnder(env: Record<string, string>): unknown {
  const module = pathToFileURL(join(import.meta.dirname, 'client-config.ts')).href
  const script = `import { sharedSettings } from ${JSON.stringify(module)}
const s = sharedSettings()
process.stdout.write(JSON.stringify({ fips: await s.useFipsEndpoint(), dualstack: await s.useDualstackEndpoint(), appId: (await s.userAgentAppId()) ?? null, attempts: await s.maxAttempts(), mode: await s.retryMode() }))`
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  return JSON.parse(out)
}

describe('the settings every SDK client shares', () => {
  it('are looked up once per process: every call hands out the same providers', () => {
    expect(sharedSettings()).toBe(sharedSettings())
    expect(sharedSettings().useFipsEndpoint).toBe(sharedSettings().useFipsEndpoint)
  })

  it('answer what the SDK reads on its own: the environment, then the shared config file, then the default', () => {
    expect(settingsUnder({})).toEqual({ fips: false, dualstack: false, appId: null, attempts: 3, mode: 'standard' })
    expect(settingsUnder({ AWS_USE_FIPS_ENDPOINT: 'true', AWS_SDK_UA_APP_ID: 'platform-7', AWS_MAX_ATTEMPTS: '7' })).toMatchObject({ fips: true, appId: 'platform-7', attempts: 7 })
    const dir = mkdtempSync(join(tmpdir(), 'aws-config-'))
    try {
      writeFileSync(join(dir, 'config'), '[default]\nuse_dualstack_endpoint = true\nuse_fips_endpoint = true\n')
      expect(settingsUnder({ AWS_CONFIG_FILE: join(dir, 'config') })).toMatchObject({ fips: true, dualstack: true })
      // The environment wins over the file, as it does for the SDK.
      expect(settingsUnder({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_USE_FIPS_ENDPOINT: 'false' })).toMatchObject({ fips: false, dualstack: true })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
