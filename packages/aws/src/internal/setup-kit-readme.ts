/**
 * The kit's README: the customer's steps in order, with the documents filled in, where to click in the console,
 * and the three ways to do the same in one go (the script, CloudFormation, Terraform).
 */
import { defaultRegion } from './codecs.js'
import { renderPolicy } from './policies.js'
import type { Partition } from './regions.js'
import { CFN } from './setup-kit-cloudformation.js'
import { codeList, roleArnIn, SETUP_PLACEHOLDERS, type KitInputs } from './setup-kit-inputs.js'
import { terraformUsage } from './setup-kit-terraform.js'

/** The AWS console of each partition. */
const CONSOLE: Readonly<Record<Partition, string>> = {
  aws: 'https://console.aws.amazon.com',
  'aws-cn': 'https://console.amazonaws.cn',
  'aws-us-gov': 'https://console.amazonaws-us-gov.com',
}

const fence = (language: string, body: string) => `\`\`\`${language}\n${body.replace(/\n$/, '')}\n\`\`\``

/** What each file is, in the order the kit lists them. */
export const FILE_PURPOSES: ReadonlyArray<readonly [string, string]> = [
  ['README.md', 'these steps'],
  ['permission-policy.json', 'the permission policy of step 1'],
  ['trust-policy.json', 'the trust policy of step 2'],
  ['setup.sh', 'steps 1 to 3 with the AWS CLI v2 (A)'],
  ['cloudformation.yaml', 'steps 1 to 3 as a CloudFormation stack, in one account (B)'],
  ['cloudformation-stackset.yaml', 'the same stack in every account of an AWS Organization, as a StackSet (B)'],
  ['terraform/main.tf', 'steps 1 to 3 as a Terraform module, with `variables.tf` and `outputs.tf` (C)'],
]

/** The StackSet paragraph of option B, for a kit that connects every account of an organization. */
function stackSetSection(inputs: KitInputs, parameters: ReadonlyArray<string>): string[] {
  if (inputs.organizationWide === false) return []
  const stack = `connectors-${inputs.connectorId}`
  return [
    `**Every account of an AWS Organization:** [\`cloudformation-stackset.yaml\`](./cloudformation-stackset.yaml). Create it once, as a stack, in the organization's management account (or a delegated administrator's), with trusted access for StackSets on (**CloudFormation** → **StackSets** → **Enable trusted access**). Set \`${CFN.targets}\` to the organizational units to cover (\`ou-…\`), or to the root (\`r-…\`) for all. Every account in them gets the role, and so does every account added later; an account that leaves loses it. Each account's role ARN is \`${roleArnIn(inputs)}\`: paste one per account. A StackSet skips the management account itself: use \`cloudformation.yaml\` there if it is to be connected too.`,
    '',
    fence('sh', `aws cloudformation deploy --template-file cloudformation-stackset.yaml --stack-name ${stack}-stackset --parameter-overrides ${CFN.targets}=r-abcd${parameters.length === 0 ? '' : ` ${parameters.join(' ')}`}\n`),
    '',
  ]
}

function placeholderNote(inputs: KitInputs): string[] {
  const missing = [
    ...(inputs.given.organizationId ? [] : [`\`${SETUP_PLACEHOLDERS.organizationId}\` stands for your organization id in the platform`]),
    ...(inputs.given.principalArn ? [] : [`\`${SETUP_PLACEHOLDERS.principalArn}\` for the platform's role`]),
  ]
  if (missing.length === 0) return []
  return [`> **Placeholders.** In this copy ${missing.join(', and ')}. The platform shows you this page with both filled in, and \`connectors setup ${inputs.connectorId} --org ORG_ID --principal ROLE_ARN\` prints it so.`, '']
}

function optionalSection(inputs: KitInputs): string[] {
  if (inputs.optional.length === 0) return []
  return [
    "Only if you enable one of the connector's optional features, add its permissions to the policy's `Action` list, now or later (**Policies** → the policy → **Edit**). The script, CloudFormation and Terraform below create the policy with the required permissions only: add these the same way afterwards (the script, run again, keeps them).",
    '',
    '| If you enable | add | what the connector does with it |',
    '|---|---|---|',
    ...inputs.optional.map((p) => `| \`${p.feature}\` | \`${p.permission}\` | ${p.description} |`),
    '',
  ]
}

/** `README.md`. */
export function readme(inputs: KitInputs): string {
  const { displayName, roleName, policyName, connectorId } = inputs
  const consoleUrl = CONSOLE[inputs.partition]
  const stack = `connectors-${connectorId}`
  // The parameters without a default, and their placeholders.
  const missing: ReadonlyArray<readonly [string, string]> = [
    ...(inputs.given.organizationId ? [] : [['OrganizationId', inputs.organizationId] as const]),
    ...(inputs.given.principalArn ? [] : [['PrincipalArn', inputs.principalArn] as const]),
  ]
  const parameters = missing.map(([name, value]) => `${name}=${value}`)
  const overrides = parameters.length === 0 ? '' : ` --parameter-overrides ${parameters.join(' ')}`
  const scriptValues = [...(inputs.given.organizationId ? [] : [`ORGANIZATION_ID=${inputs.organizationId}`]), ...(inputs.given.principalArn ? [] : [`PRINCIPAL_ARN=${inputs.principalArn}`])]
  return [
    `<!-- ${inputs.notice} -->`,
    `# ${displayName}: connect an AWS account`,
    '',
    `The platform reads your AWS account through a role you create in it. ${inputs.account !== undefined ? `Connect ${inputs.account}. ` : ''}It takes about five minutes:`,
    '',
    `- the role allows exactly ${codeList(inputs.permissions)}: it reads, and can change nothing;`,
    `- only the platform's role \`${inputs.principalArn}\` may assume it, and only when it presents your organization id, \`${inputs.organizationId}\`, as the ExternalId: nobody else, not even another customer of the platform, can make the platform reach your account.`,
    '',
    ...placeholderNote(inputs),
    'Follow steps 1 to 4 in the AWS console, or do steps 1 to 3 in one go with the script, CloudFormation or Terraform (below), then step 4.',
    '',
    '## 1. Create the permission policy',
    '',
    `Sign in to the [AWS console](${consoleUrl}/iam/) of the account to connect, as someone allowed to create IAM policies and roles, and open **IAM**. Choose **Policies** → **Create policy**; in the **Policy editor** choose **JSON**, and replace its content with:`,
    '',
    fence('json', renderPolicy(inputs.permissionPolicy)),
    '',
    `Choose **Next**. Policy name: \`${policyName}\`. Choose **Create policy**.`,
    '',
    '| Permission | What the connector does with it |',
    '|---|---|',
    ...inputs.purposes.map((p) => `| \`${p.permission}\` | ${p.description} |`),
    '',
    ...optionalSection(inputs),
    '## 2. Create the role',
    '',
    'Choose **Roles** → **Create role**. Trusted entity type: **Custom trust policy**; replace the policy shown with:',
    '',
    fence('json', renderPolicy(inputs.trustPolicy)),
    '',
    "(Choose **Custom trust policy**, not **AWS account**: that one trusts the platform's whole AWS account, this one only its role.)",
    '',
    `Choose **Next**. Under **Add permissions**, search for \`${policyName}\`, tick it, and choose **Next**. Role name: \`${roleName}\`. Choose **Create role**.`,
    '',
    '## 3. Copy the role ARN',
    '',
    `Choose **Roles** → \`${roleName}\`. Under **Summary**, copy the **ARN** (the icon beside it copies it): \`${roleArnIn(inputs)}\`, with your 12-digit account id in place of \`ACCOUNT_ID\`.`,
    '',
    '## 4. Paste it into the platform',
    '',
    `In the platform, add an ${displayName} connection and paste the role ARN. ${inputs.pasteFields ?? `**Region** is optional: leave it empty for \`${defaultRegion[inputs.partition]}\`, or name the region whose STS endpoint the platform should call.`} The platform checks the connection at once: it assumes the role, makes one call per permission, and names the first step that fails with its fix. IAM may take a few seconds before a new role can be assumed.`,
    '',
    '## Instead of the console',
    '',
    'Each of these does steps 1 to 3: it creates the same policy and role, and gives you the role ARN for step 4.',
    '',
    '### A. The script (AWS CLI v2)',
    '',
    "In AWS CloudShell (the terminal icon in the console's top bar: **Actions** → **Upload file** for `setup.sh`), or in any shell where the AWS CLI v2 is signed in to the account to connect, run:",
    '',
    fence('sh', `${[...scriptValues, 'bash setup.sh'].join(' ')}\n`),
    '',
    'It prints the role ARN as its last line. Running it again is safe: it reuses the policy and the role, and brings them up to date.',
    '',
    '### B. CloudFormation',
    '',
    `**One account:** [\`cloudformation.yaml\`](./cloudformation.yaml). In the [CloudFormation console](${consoleUrl}/cloudformation/), choose **Stacks** → **Create stack** → **With new resources (standard)** → **Upload a template file**, choose \`cloudformation.yaml\`, then **Next**. Stack name: \`${stack}\`; ${parameters.length === 0 ? 'the parameters are filled in' : `fill in ${codeList(missing.map(([name]) => name))}`}. Choose **Next**, **Next**, tick **I acknowledge that AWS CloudFormation might create IAM resources with custom names**, and **Submit**. Once the stack reads \`CREATE_COMPLETE\`, its **Outputs** tab shows \`RoleArn\`. Or, with the AWS CLI:`,
    '',
    fence(
      'sh',
      `aws cloudformation deploy --template-file cloudformation.yaml --stack-name ${stack} --capabilities CAPABILITY_NAMED_IAM${overrides}\naws cloudformation describe-stacks --stack-name ${stack} --query "Stacks[0].Outputs[?OutputKey=='RoleArn'].OutputValue" --output text\n`,
    ),
    '',
    ...stackSetSection(inputs, parameters),
    '### C. Terraform',
    '',
    'The [`terraform/`](./terraform/main.tf) folder is a module. From a configuration whose AWS provider signs in to the account to connect:',
    '',
    fence('hcl', terraformUsage(inputs)),
    '',
    'then `terraform init && terraform apply`; `terraform output role_arn` prints the role ARN.',
    '',
    '## The files',
    '',
    '| File | What it is |',
    '|---|---|',
    ...FILE_PURPOSES.filter(([file]) => inputs.organizationWide !== false || file !== 'cloudformation-stackset.yaml').map(([file, what]) => `| [\`${file}\`](./${file}) | ${what} |`),
    '',
    `Every file here is generated from the connector's manifest: never edit one, regenerate it (\`connectors setup ${connectorId} --org ORG_ID --principal ROLE_ARN --out DIR\` writes them all with your values). The JSON files cannot carry a comment saying so; the others say so at the top (\`setup.sh\` on its second line, after \`#!\`).`,
    '',
  ].join('\n')
}
