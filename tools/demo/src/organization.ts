/**
 * The demo organization the README's main job syncs (and `npm run console` serves): six customer accounts of the
 * AWS sandbox — four healthy, one whose customer set a different ExternalId, one whose role lacks iam:GetGroup —
 * each also holding an IAM Identity Center instance whose people have real email addresses.
 */
import { allowPolicy, generateOrganization, type Seed } from '@connectors/aws-sandbox'

/** The platform's organization id: the ExternalId the customers' trust policies require. */
export const ORGANIZATION_ID = 'org-demo-2026'
/** The platform's principal: the only role the customers' roles trust. */
export const PRINCIPAL_ARN = 'arn:aws:iam::999999999999:role/connectors-delegator'
/** The region the demo's IAM Identity Center instances live in. */
export const IDENTITY_CENTER_REGION = 'eu-west-1'

/** A fresh copy of the demo organization. */
export function demoOrganization(): Seed {
  const organization = generateOrganization({
    accounts: 6,
    users: 250,
    groups: 12,
    members: 30,
    seed: 2026,
    // Console users, API-only users with a used access key, and users with nothing: the credential report tells them apart.
    userCredentials: true,
    // Every account also runs IAM Identity Center: its Identity Store, and the role the identitystore: listings.
    identityStore: true,
    // The fifth customer pasted a different organization id into its trust policy.
    externalId: (i) => (i === 4 ? 'org-someone-else' : ORGANIZATION_ID),
  })
  const [first] = organization.accounts
  // The first customer has a user named by its address, and a service user nobody should pay a license for.
  if (first !== undefined) first.users.push({ name: 'ann@customer-1.example', id: 'AIDADEMOANN0000000001', createDate: '2024-01-02T03:04:05Z' }, { name: 'svc-backup', id: 'AIDADEMOSVC0000000001', path: '/service/', createDate: '2024-01-02T03:04:05Z' })
  // The sixth customer's role forgot iam:GetGroup.
  const sixth = organization.accounts[5]
  if (sixth !== undefined) sixth.roles = sixth.roles.map((r) => ({ ...r, permissionPolicies: [allowPolicy(['iam:ListUsers', 'iam:ListGroups'])] }))
  return organization
}
