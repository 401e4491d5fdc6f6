/** Every operation the sandbox serves, by service and action. Add an operation: one file, one line here. */
import { assumeRole } from './assume-role.js'
import { generateCredentialReport } from './generate-credential-report.js'
import { getCallerIdentity } from './get-caller-identity.js'
import { getCredentialReport } from './get-credential-report.js'
import { getGroup } from './get-group.js'
import { listGroups } from './list-groups.js'
import { listRoles } from './list-roles.js'
import { listUserTags } from './list-user-tags.js'
import { listUsers } from './list-users.js'
import type { Operation } from './operation.js'

export const operations: ReadonlyArray<Operation> = [assumeRole, getCallerIdentity, listUsers, listGroups, getGroup, listRoles, listUserTags, generateCredentialReport, getCredentialReport]

/** The API versions of the services. */
export const apiVersions = { iam: '2010-05-08', sts: '2011-06-15' } as const

const byKey = new Map(operations.map((op) => [`${op.service}:${op.action}`, op]))

/** The operation for a service and action, if served. */
export function findOperation(service: string, action: string): Operation | undefined {
  return byKey.get(`${service}:${action}`)
}

export type { Caller, Operation, OperationContext } from './operation.js'
