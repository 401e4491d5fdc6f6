/**
 * AWS IAM Identity Center in the fault matrix: beside each seeded account's IAM connector, an
 * `@connectors/aws-identity-center` account reads the same account's Identity Store (over AWS JSON 1.1, where the
 * sandbox injects the same wire faults as over the Query protocol), and its outputs are compared with the seed's
 * directory: users by their UserId, username, primary email and roles (their groups' DisplayNames), the
 * memberships and the groups.
 */
import { identityStoreIds, type Sandbox, type Seed } from '@connectors/aws-sandbox'

/** The Identity Center unit of seeded account `i`. */
export const idcUnit = (i: number) => `idc-${i}`

/** One run config entry per seeded account that has an Identity Store (the seed's role, its store id, the sandbox). */
export function identityCenterAccounts(seed: Seed, sandbox: Sandbox, extra: Record<string, unknown> = {}) {
  return seed.accounts.flatMap((a, i) =>
    a.identityStore === undefined
      ? []
      : [
          {
            name: idcUnit(i),
            config: {
              roleArn: `arn:aws:iam::${a.id}:role/ConnectorsReadOnly`,
              externalId: '${env:CHAOS_EXTERNAL_ID}',
              region: 'eu-west-1',
              identityStoreId: a.identityStore.id,
              endpoints: { sts: sandbox.endpoint, identitystore: sandbox.endpoint, sso: sandbox.endpoint },
              ...extra,
            },
          },
        ],
  )
}

/** A record line as the comparison reads it. */
export interface RecordOf {
  readonly type: string
  readonly unit: string
  readonly data: { readonly id: string; readonly username?: string; readonly email?: string; readonly name?: string; readonly status?: string; readonly roles?: ReadonlyArray<string>; readonly groupName?: string; readonly userId?: string }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
const byId = <T extends { id: string }>(xs: ReadonlyArray<T>) => [...xs].sort((a, b) => a.id.localeCompare(b.id))

/**
 * Compares every Identity Center unit's records with the seed's directory; `skip(i)` names the accounts a case
 * broke on purpose. Problems are pushed; returns the items compared and the mismatching comparisons.
 */
export function compareIdentityCenter(seed: Seed, lines: ReadonlyArray<RecordOf>, status: (unit: string) => string | undefined, problems: string[]): { compared: number; mismatches: number } {
  let compared = 0
  let mismatches = 0
  for (const [i, account] of seed.accounts.entries()) {
    const store = account.identityStore
    if (store === undefined) continue
    const name = idcUnit(i)
    if (status(name) !== 'ok') problems.push(`${name}: expected ok, got ${status(name)}`)
    const userId = (n: string) => identityStoreIds.user(store.id, n)
    const expectedUsers = byId(store.users.map((u) => ({ id: userId(u.name), username: u.name, email: u.email, roles: store.groups.filter((g) => g.members.includes(u.name)).map((g) => g.name) })))
    const mine = lines.filter((l) => l.unit === name)
    const gotUsers = byId(mine.filter((l) => l.type === 'user').map((l) => ({ id: l.data.id, username: l.data.username, email: l.data.email, roles: l.data.roles })))
    const memberships = mine.filter((l) => l.type === 'membership').map((l) => `${l.data.groupName}/${l.data.userId}`).sort()
    const expectedMemberships = store.groups.flatMap((g) => g.members.map((m) => `${g.name}/${userId(m)}`)).sort()
    const groups = mine.filter((l) => l.type === 'group').map((l) => l.data.name)
    compared += expectedUsers.length + expectedMemberships.length + store.groups.length
    const check = (what: string, got: unknown, expected: unknown) => {
      if (same(got, expected)) return
      mismatches++
      problems.push(`${name}: ${what} differ from the seed's Identity Store`)
    }
    check(`users (${gotUsers.length} vs ${expectedUsers.length})`, gotUsers, expectedUsers)
    check(`memberships (${memberships.length} vs ${expectedMemberships.length})`, memberships, expectedMemberships)
    check('groups', groups, store.groups.map((g) => g.name))
  }
  return { compared, mismatches }
}
