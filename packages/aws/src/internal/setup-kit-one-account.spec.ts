/** A kit for a service that lives in one account (IAM Identity Center): no StackSet, its own step 4. */
import { describe, expect, it } from 'vitest'
import { awsSetupKit } from './setup-kit.js'
import { exampleSpec, fileOf, FILLED } from './setup-kit-fixture.js'

describe('a kit for a service of one account', () => {
  it('has no StackSet, says which account to connect and what to enter beside the role ARN', () => {
    const kit = new Map(
      awsSetupKit({ ...exampleSpec, organizationWide: false, account: 'the account that holds the widget registry', pasteFields: 'Enter the **Region** of the registry (required).' }, FILLED).map((d) => [d.file, d.content]),
    )
    expect([...kit.keys()]).toEqual(['README.md', 'permission-policy.json', 'trust-policy.json', 'setup.sh', 'cloudformation.yaml', 'terraform/main.tf', 'terraform/variables.tf', 'terraform/outputs.tf'])
    const readme = fileOf(kit, 'README.md')
    expect(readme).not.toContain('StackSet')
    expect(readme).toContain('through a role you create in it. Connect the account that holds the widget registry. It takes')
    expect(readme).toContain('paste the role ARN. Enter the **Region** of the registry (required). The platform checks')
    expect(readme).not.toContain('**Region** is optional')
  })
})
