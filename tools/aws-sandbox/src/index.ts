/**
 * `@connectors/aws-sandbox`: a local IAM + STS endpoint speaking the AWS Query protocol, and Identity Store + SSO
 * Admin speaking AWS JSON 1.1, strict about SigV4, trust policies, ExternalIds and permissions, with
 * deterministic fault injection.
 * @packageDocumentation
 */
export { startSandbox, type Sandbox, type SandboxOptions } from './server.js'
export type { SandboxStats } from './stats.js'
export { SandboxState, type AccountState, type UserEntity, type UserCredentials, type GroupEntity } from './state.js'
export { Faults } from './faults.js'
export { Seed, decodeSeed, loadSeedFile, type SeedAccount, type SeedPrincipal, type SeedRole, type SeedUser, type SeedGroup, type SeedTag, type SeedCredentials } from './seed.js'
export { PolicyDocument, evaluate, refusalOf } from './policy.js'
export { CREDENTIAL_REPORT_HEADER } from './operations/credential-report.js'
export {
  SeedIdentityStore,
  identityStoreIds,
  type SeedIdentityStoreUser,
  type SeedIdentityStoreGroup,
  type IdentityStoreEntity,
  type GroupMembershipEntity,
} from './identity-store.js'
export {
  generateOrganization,
  generatedAccountId,
  sandboxDelegator,
  delegatorEnv,
  trustPolicy,
  allowPolicy,
  DEFAULT_ROLE_NAME,
  READ_ONLY_ACTIONS,
  IDENTITY_STORE_ACTIONS,
  type GenerateOptions,
} from './generate.js'
