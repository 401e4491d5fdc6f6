/**
 * The platform users file sink: `torii/<connector>/<unit>.json`, the platform's custom-integration file (users, and
 * licenses with their holders), built by the platform adapter from the canonical records. Entries are appended as
 * users arrive (memory holds none of them); license holders are held in memory, past a MiB in staging files beside
 * the outputs; the file is finished and moved into place only when the sync is complete and applied, and only when
 * it states at least one user (the platform's schema requires one).
 */
import type { User } from '@connectors/core'
import { rm } from 'node:fs/promises'
import { readLinesSync } from '../../lines.js'
import { AtomicStream } from '../../outputs.js'
import { toriiHolder, toriiUser, ToriiUser } from '../../platform/torii.js'
import type { OutputSink, Prepared, SinkBatch } from './sink.js'

/** What the sink learned about the users it was given. */
export interface UsersFileTally {
  /** Entries written (active and deleted). */
  readonly written: number
  /** Usernames left out for want of an email, in the order met. */
  readonly unmatched: ReadonlyArray<string>
  /** Users left out by the account's exclude patterns (service users). */
  readonly excluded: number
}

/** The users file sink, with its tally. */
export interface UsersFileSink extends OutputSink {
  readonly tally: UsersFileTally
}

/** Holders of a license held in memory up to this many characters; beyond, they spill to a staging file. */
const SPILL_CHARS = 1 << 20

/**
 * A license's holders as JSON lines until the file is finished: in memory while they are few (most accounts), in a
 * staging file beside the outputs once they are many (memory stays within a MiB-odd per license, however large the
 * account; a connector names a handful of licenses).
 */
interface LicenseStaging {
  readonly name: string
  buffered: string
  spill?: { readonly path: string; readonly file: AtomicStream }
}

/** Username patterns (`svc-*`, `ci-?`) as one test. */
export function excludeTest(patterns: ReadonlyArray<string>): (username: string) => boolean {
  if (patterns.length === 0) return () => false
  const source = patterns.map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')).join('|')
  const re = new RegExp(`^(?:${source})$`, 'i')
  return (username) => re.test(username)
}

/** Opens the users file sink of a unit: the file goes to `file`, license staging to `${stagingBase}.license-N.ndjson`. */
export async function openUsersFileSink(file: string, stagingBase: string, exclude: ReadonlyArray<string> = []): Promise<UsersFileSink> {
  const out = await AtomicStream.open(file)
  await out.write('{\n  "users": [')
  const isExcluded = excludeTest(exclude)
  const licenses = new Map<string, LicenseStaging>()
  let spills = 0
  const tally = { written: 0, unmatched: [] as string[], excluded: 0 }

  const stageHolder = (name: string, holder: string) => {
    const staged = licenses.get(name)
    if (staged !== undefined) staged.buffered += holder
    else licenses.set(name, { name, buffered: holder })
  }

  const addUsers = async (users: ReadonlyArray<Prepared<User>>) => {
    const entries: string[] = []
    for (const { value: user } of users) {
      if (isExcluded(user.username)) {
        tally.excluded++
        continue
      }
      const entry = toriiUser(user)
      if (entry === undefined) {
        tally.unmatched.push(user.username)
        continue
      }
      if (!ToriiUser.is(entry)) throw new Error(`user ${user.id} does not fit the platform users file's schema (id, email, status, externalStatus, roles)`)
      entries.push(JSON.stringify(entry))
      const holder = `${JSON.stringify(toriiHolder(entry.email, user.status))}\n`
      for (const name of user.licenses) stageHolder(name, holder)
    }
    if (entries.length > 0) {
      await out.write(`${tally.written === 0 ? '' : ','}\n    ${entries.join(',\n    ')}`)
      tally.written += entries.length
    }
    for (const staged of licenses.values()) {
      if (staged.buffered.length < SPILL_CHARS) continue
      if (staged.spill === undefined) {
        const path = `${stagingBase}.license-${spills++}.ndjson`
        staged.spill = { path, file: await AtomicStream.open(path) }
      }
      await staged.spill.file.write(staged.buffered)
      staged.buffered = ''
    }
  }

  /** A license's holders in the order met: those spilled first, then those still in memory. */
  function* holdersOf(license: LicenseStaging): Generator<string> {
    if (license.spill !== undefined) yield* readLinesSync(license.spill.path)
    for (const line of license.buffered.split('\n')) if (line !== '') yield line
  }

  /** Closes the users list and writes each license with its holders, read back from staging a MiB at a time. */
  const writeLicenses = async () => {
    let chunk = `${tally.written === 0 ? ']' : '\n  ]'},\n  "licenses": [`
    for (const [i, license] of [...licenses.values()].entries()) {
      await license.spill?.file.commit()
      chunk += `${i === 0 ? '' : ','}\n    {"name": ${JSON.stringify(license.name)}, "users": [`
      let none = true
      for (const holder of holdersOf(license)) {
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
    for (const { spill } of licenses.values()) {
      if (spill === undefined) continue
      await spill.file.abort()
      await rm(spill.path, { force: true })
    }
  }

  return {
    file,
    keep: 'applied',
    tally,
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
