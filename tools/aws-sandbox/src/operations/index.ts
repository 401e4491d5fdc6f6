/** Every operation the sandbox serves, by service and action. Add an operation: one file, one line here. */
import { assumeRole } from './assume-role.js'
import { generateCredentialReport } from './generate-credential-report.js'
import { getCallerIdentity } from './get-caller-identity.js'
import { getCredentialReport } from './get-credential-report.js'
import { getGroup } from './get-group.js'
import { identityStoreListGroupMemberships } from './identitystore-list-group-memberships.js'
import { identityStoreListGroups } from './identitystore-list-groups.js'
import { identityStoreListUsers } from './identitystore-list-users.js'
import { listGroups } from './list-groups.js'
import { listRoles } from './list-roles.js'
import { listUserTags } from './list-user-tags.js'
import { listUsers } from './list-users.js'
import type { JsonOperation, JsonService, Operation } from './operation.js'
import { ssoListInstances } from './sso-list-instances.js'

/** The Query-protocol operations (IAM, STS). */
export const operations: ReadonlyArray<Operation> = [assumeRole, getCallerIdentity, listUsers, listGroups, getGroup, listRoles, listUserTags, generateCredentialReport, getCredentialReport]

/** The JSON 1.1 operations (Identity Store, SSO Admin). */
export const jsonOperations: ReadonlyArray<JsonOperation> = [identityStoreListUsers, identityStoreListGroups, identityStoreListGroupMemberships, ssoListInstances]

/** The API versions of the Query services. */
export const apiVersions = { iam: '2010-05-08', sts: '2011-06-15' } as const

/** The JSON 1.1 services by their `X-Amz-Target` prefix: the signing name they expect and their Smithy namespace. */
export const jsonTargets: ReadonlyMap<string, { readonly service: JsonService; readonly namespace: string }> = new Map([
  ['AWSIdentityStore', { service: 'identitystore', namespace: 'com.amazonaws.identitystore' }],
  ['SWBExternalService', { service: 'sso', namespace: 'com.amazonaws.ssoadmin' }],
])

const byKey = new Map<string, Operation | JsonOperation>([...operations, ...jsonOperations].map((op) => [`${op.service}:${op.action}`, op]))

/** The Query operation for a service and action, if served. */
export function findOperation(service: string, action: string): Operation | undefined {
  return service === 'iam' || service === 'sts' ? (byKey.get(`${service}:${action}`) as Operation | undefined) : undefined
}

/** The JSON 1.1 operation for a service and action, if served. */
export function findJsonOperation(service: JsonService, action: string): JsonOperation | undefined {
  return byKey.get(`${service}:${action}`) as JsonOperation | undefined
}

export type { Caller, JsonObject, JsonOperation, JsonService, Operation, OperationContext, OperationOf, Permission } from './operation.js'
