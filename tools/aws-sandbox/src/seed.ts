/**
 * The seed: who may call (base principals with keys), and each account's roles (trust and permission
 * policies), users and groups, and optionally its Identity Center directory (`identityStore`). JSON, decoded with
 * an io-ts codec whose errors name the bad path.
 */
import { decodeWith, errorMessage } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { readFile } from 'node:fs/promises'
import { Faults } from './faults.js'
import { SeedIdentityStore } from './identity-store.js'
import { PolicyDocument } from './policy.js'

const AccountId = t.refinement(t.string, (s) => /^\d{12}$/.test(s), 'AccountId')
const Timestamp = t.refinement(t.string, (s) => !Number.isNaN(Date.parse(s)), 'Timestamp')
const IamPath = t.refinement(t.string, (s) => /^\/(?:[\x21-\x7e]*\/)?$/.test(s) && s.length <= 512, 'IamPath')

/**
 * An array of `item` with a rule over the whole (e.g. at most 50): still an io-ts array type, unlike a
 * refinement of one, so a bad item's error path stays `tags[0].key`.
 */
function constrainedArray<C extends t.Mixed>(item: C, ok: (items: ReadonlyArray<t.TypeOf<C>>) => boolean, expected: string): t.ArrayC<C> {
  const base = t.array(item)
  return new t.ArrayType(
    expected,
    (u): u is Array<t.TypeOf<C>> => base.is(u) && ok(u),
    (u, c) => E.chain((items: Array<t.TypeOf<C>>) => (ok(items) ? t.success(items) : t.failure<Array<t.TypeOf<C>>>(u, c, expected)))(base.validate(u, c)),
    base.encode,
    item,
  )
}

/** A caller outside the accounts: the platform's delegator, with long-term keys. */
export const SeedPrincipal = t.intersection([
  t.type({ accessKeyId: t.string, secretAccessKey: t.string, arn: t.string }),
  t.partial({ /** Identity policies of the principal itself (e.g. allowing sts:AssumeRole). */ policies: t.array(PolicyDocument) }),
])
export type SeedPrincipal = t.TypeOf<typeof SeedPrincipal>

export const SeedRole = t.intersection([
  t.type({ name: t.string, trustPolicy: PolicyDocument, permissionPolicies: t.array(PolicyDocument) }),
  t.partial({ path: IamPath, id: t.string }),
])
export type SeedRole = t.TypeOf<typeof SeedRole>

/** A user tag, as IAM allows it: a key of 1–128 characters, a value of at most 256. */
export const SeedTag = t.type({
  key: t.refinement(t.string, (s) => s.length >= 1 && s.length <= 128, 'TagKey of 1–128 characters'),
  value: t.refinement(t.string, (s) => s.length <= 256, 'TagValue of at most 256 characters'),
})
export type SeedTag = t.TypeOf<typeof SeedTag>

/** One access key, as the credential report shows it (IAM allows two a user). */
export const SeedAccessKey = t.intersection([
  t.type({ active: t.boolean }),
  t.partial({ lastUsedDate: Timestamp, lastUsedService: t.string, lastUsedRegion: t.string }),
])
export type SeedAccessKey = t.TypeOf<typeof SeedAccessKey>

/**
 * A user's credentials, for the credential report. Each field defaults from the rest of the user: a password
 * when `passwordLastUsed` is set, no MFA, no access keys.
 */
export const SeedCredentials = t.partial({
  passwordEnabled: t.boolean,
  mfaActive: t.boolean,
  accessKeys: constrainedArray(SeedAccessKey, (keys) => keys.length <= 2, 'at most 2 access keys'),
})
export type SeedCredentials = t.TypeOf<typeof SeedCredentials>

export const SeedUser = t.intersection([
  t.type({ name: t.string, createDate: Timestamp }),
  t.partial({
    path: IamPath,
    id: t.string,
    passwordLastUsed: Timestamp,
    /** At most 50, keys unique ignoring case (as IAM's). */
    tags: constrainedArray(SeedTag, (tags) => tags.length <= 50 && new Set(tags.map((tag) => tag.key.toLowerCase())).size === tags.length, 'at most 50 tags, keys unique ignoring case'),
    credentials: SeedCredentials,
  }),
])
export type SeedUser = t.TypeOf<typeof SeedUser>

export const SeedGroup = t.intersection([
  t.type({ name: t.string, members: t.array(t.string) }),
  t.partial({ path: IamPath, id: t.string, createDate: Timestamp }),
])
export type SeedGroup = t.TypeOf<typeof SeedGroup>

export const SeedAccount = t.intersection([
  t.type({ id: AccountId, roles: t.array(SeedRole), users: t.array(SeedUser), groups: t.array(SeedGroup) }),
  t.partial({ faults: Faults, /** The account's IAM Identity Center directory (Identity Store). */ identityStore: SeedIdentityStore }),
])
export type SeedAccount = t.TypeOf<typeof SeedAccount>

/** A whole sandbox organization. */
export const Seed = t.intersection([
  t.type({ principals: t.array(SeedPrincipal), accounts: t.array(SeedAccount) }),
  t.partial({ faults: Faults, partition: t.keyof({ aws: null, 'aws-cn': null, 'aws-us-gov': null }) }),
])
export type Seed = t.TypeOf<typeof Seed>

/** Decodes a seed; the error lists each bad path. */
export function decodeSeed(input: unknown): E.Either<string, Seed> {
  return E.mapLeft(errorMessage)(decodeWith(Seed, { connector: 'aws-sandbox', account: '-', operation: 'seed' })(input))
}

/** Reads and decodes a seed file, throwing an Error that names the file and each bad path. */
export async function loadSeedFile(path: string): Promise<Seed> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (e) {
    throw new Error(`cannot read seed file ${path}: ${(e as Error).message}`)
  }
  const seed = decodeSeed(json)
  if (E.isLeft(seed)) throw new Error(`invalid seed file ${path}: ${seed.left}`)
  return seed.right
}
