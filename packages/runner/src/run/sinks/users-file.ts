/**
 * The platform users file sink: `torii/<connector>/<unit>.json`, the platform's custom-integration file (users,
 * and licenses with their holders). Entries are appended as users arrive (memory holds none of them); license
 * holders go to staging files beside the outputs; the file is finished and moved into place only when the sync
 * is complete and applied.
 */
import type { User } from '@connectors/core'
import { rm } from 'node:fs/promises'
import { readLinesSync } from '../../lines.js'
import { AtomicStream, ToriiUser } from '../../outputs.js'
import type { OutputSink, Prepared, SinkBatch } from './sink.js'

/** How many unmatched usernames a report lists (the count is always whole). */
const UNMATCHED_LISTED = 20

/** The users file sink, with what it learned about users it could not place. */
export interface UsersFileSink extends OutputSink {
  /** Users left out of the file for want of an email: how many, and the first few usernames. */
  readonly unmatched: { readonly count: number; readonly usernames: ReadonlyArray<string> }
}

/** The users-file entry of a user, validated by its codec; `undefined` without an email. */
function entryOf(user: User): string | undefined {
  if (user.email === undefined) return undefined
  const entry: ToriiUser = {
    id: user.id,
    email: user.email,
    status: user.status,
    externalStatus: user.externalStatus ?? user.status,
    // Unknown roles are left out rather than claimed empty.
    ...(user.roles !== undefined ? { roles: [...user.roles] } : {}),
    ...(user.firstName !== undefined ? { firstName: user.firstName } : {}),
    ...(user.lastName !== undefined ? { lastName: user.lastName } : {}),
    ...(user.lastUsedAt !== undefined ? { lastUsedDate: user.lastUsedAt } : {}),
  }
  if (!ToriiUser.is(entry)) throw new Error(`user ${user.id} does not fit the platform users file`)
  return JSON.stringify(entry)
}

/** A license's holders, staged as `{"email","licenseStatus"}` lines until the file is finished. */
interface LicenseStaging {
  readonly name: string
  readonly path: string
  readonly file: AtomicStream
  buffered: string
}

/** Opens the users file sink of a unit: the file goes to `file`, license staging to `${stagingBase}.license-N.ndjson`. */
export async function openUsersFileSink(file: string, stagingBase: string): Promise<UsersFileSink> {
  const out = await AtomicStream.open(file)
  await out.write('{\n  "users": [')
  let first = true
  const licenses = new Map<string, LicenseStaging>()
  const unmatched = { count: 0, usernames: [] as string[] }

  const stageHolder = async (name: string, holder: string) => {
    let staged = licenses.get(name)
    if (staged === undefined) {
      const path = `${stagingBase}.license-${licenses.size}.ndjson`
      staged = { name, path, file: await AtomicStream.open(path), buffered: '' }
      licenses.set(name, staged)
    }
    staged.buffered += holder
  }

  const addUsers = async (users: ReadonlyArray<Prepared<User>>) => {
    const entries: string[] = []
    for (const { value: user } of users) {
      const entry = entryOf(user)
      if (entry === undefined) {
        unmatched.count++
        if (unmatched.usernames.length < UNMATCHED_LISTED) unmatched.usernames.push(user.username)
        continue
      }
      entries.push(entry)
      const holder = `${JSON.stringify({ email: user.email, licenseStatus: user.status === 'active' ? 'active' : 'inactive' })}\n`
      for (const name of user.licenses) await stageHolder(name, holder)
    }
    if (entries.length > 0) {
      await out.write(`${first ? '' : ','}\n    ${entries.join(',\n    ')}`)
      first = false
    }
    for (const staged of licenses.values()) {
      if (staged.buffered === '') continue
      await staged.file.write(staged.buffered)
      staged.buffered = ''
    }
  }

  /** Closes the users list and writes each license with its holders, read back from staging a MiB at a time. */
  const writeLicenses = async () => {
    let chunk = `${first ? ']' : '\n  ]'},\n  "licenses": [`
    for (const [i, license] of [...licenses.values()].entries()) {
      await license.file.commit()
      chunk += `${i === 0 ? '' : ','}\n    {"name": ${JSON.stringify(license.name)}, "users": [`
      let none = true
      for (const holder of readLinesSync(license.path)) {
        chunk += `${none ? '' : ','}\n      ${holder}`
        none = false
        if (chunk.length > 1 << 20) {
          await out.write(chunk)
          chunk = ''
        }
      }
      chunk += none ? ']}' : '\n    ]}'
    }
    await out.write(`${chunk}${licenses.size === 0 ? ']\n}\n' : '\n  ]\n}\n'}`)
  }

  const dropStaging = async () => {
    for (const license of licenses.values()) {
      await license.file.abort()
      await rm(license.path, { force: true })
    }
  }

  return {
    file,
    keep: 'applied',
    unmatched,
    async write(batch: SinkBatch) {
      if (batch.entity === 'users') await addUsers(batch.records)
    },
    async commit() {
      try {
        await writeLicenses()
        await out.commit()
      } finally {
        await dropStaging()
      }
    },
    async abort() {
      await out.abort()
      await dropStaging()
    },
  }
}
