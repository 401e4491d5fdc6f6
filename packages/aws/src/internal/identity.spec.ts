import { describe, expect, it } from 'vitest'
import { baseCredentialsFor, chainingIssue, externalIdOf } from './identity.js'

describe("the platform's identity", () => {
  it("takes an account's own ExternalId, else the platform's organization id, and says which field to set otherwise", () => {
    expect(externalIdOf('org-own', { organizationId: 'org-platform' })).toEqual({ externalId: 'org-own' })
    expect(externalIdOf(undefined, { organizationId: 'org-platform' })).toEqual({ externalId: 'org-platform' })
    expect(externalIdOf(undefined, undefined).issue).toMatch(/^externalId: is required — set it on the account, or platform\.organizationId/)
    expect(externalIdOf(undefined, { organizationId: 'x' }).issue).toMatch(/^platform\.organizationId: expected an ExternalId/)
  })

  it('refuses a session longer than an hour when the platform principal is a role (AWS caps chained sessions)', () => {
    expect(chainingIssue({ principalArn: 'arn:aws:iam::111122223333:role/platform' }, 7200)).toMatch(/^sessionDurationSeconds: at most 3600 when the platform's principal is a role/)
    expect(chainingIssue({ principalArn: 'arn:aws:iam::111122223333:role/platform' }, 3600)).toBeUndefined()
    expect(chainingIssue({ principalArn: 'arn:aws:iam::111122223333:user/platform' }, 7200)).toBeUndefined()
  })

  it("reads a partition's base credentials from its env prefix, and names the variables when they are missing", async () => {
    const gov = baseCredentialsFor('aws-us-gov', { credentials: { 'aws-us-gov': { envPrefix: 'GOV_' } } }, { GOV_AWS_ACCESS_KEY_ID: 'AKIAGOV', GOV_AWS_SECRET_ACCESS_KEY: 's' })
    expect(await gov()).toEqual({ accessKeyId: 'AKIAGOV', secretAccessKey: 's' })
    const missing = baseCredentialsFor('aws-cn', { credentials: { 'aws-cn': { envPrefix: 'CN_' } } }, {})
    await expect(missing()).rejects.toThrow('CN_AWS_ACCESS_KEY_ID and CN_AWS_SECRET_ACCESS_KEY must be set for aws-cn accounts')
  })
})
