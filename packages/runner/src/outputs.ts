/**
 * Output files: written to a temporary name and renamed into place, so a crash never leaves a half-written
 * file. The platform's custom-integration users file has its own codec (each entry is checked before it is written).
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import * as t from 'io-ts'

/** Writes `content` to `path` atomically (temp file in the same directory, then rename). */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temp = `${path}.tmp-${process.pid}`
  await writeFile(temp, content)
  await rename(temp, path)
}

/** An append-only file that appears under its name only when committed. */
export class AtomicStream {
  private readonly stream: WriteStream
  private readonly temp: string

  private constructor(readonly path: string) {
    this.temp = `${path}.tmp-${process.pid}`
    // A few MiB of buffer let the disk catch up while the next page is fetched, instead of stalling each batch.
    this.stream = createWriteStream(this.temp, { highWaterMark: 4 * 1024 * 1024 })
  }

  /** Opens a new stream; temporaries left by an earlier run that was killed are removed first. */
  static async open(path: string): Promise<AtomicStream> {
    await mkdir(dirname(path), { recursive: true })
    const prefix = `${basename(path)}.tmp-`
    for (const entry of await readdir(dirname(path))) if (entry.startsWith(prefix)) await rm(join(dirname(path), entry), { force: true })
    return new AtomicStream(path)
  }

  /** Writes a chunk, waiting when the stream's buffer is full (bounded memory). */
  async write(chunk: string): Promise<void> {
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', resolve))
  }

  /** Finishes the file and moves it into place: under its own name, or under `as` (in the same directory tree). */
  async commit(as: string = this.path): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())))
    await rename(this.temp, as)
  }

  async abort(): Promise<void> {
    this.stream.destroy()
    await rm(this.temp, { force: true })
  }
}

/** One user in the platform's custom-integration users file. */
export const ToriiUser = t.intersection([
  t.type({
    id: t.string,
    email: t.string,
    status: t.keyof({ active: null, deleted: null }),
    externalStatus: t.string,
    roles: t.array(t.string),
  }),
  t.partial({ firstName: t.string, lastName: t.string, lastUsedDate: t.string }),
])
/** One user in the users file. */
export type ToriiUser = t.TypeOf<typeof ToriiUser>

/** The platform's custom-integration users file: users, and licenses with their holders. */
export const ToriiUsersFile = t.type({
  users: t.array(ToriiUser),
  licenses: t.array(t.type({ name: t.string, users: t.array(t.type({ email: t.string, licenseStatus: t.keyof({ active: null, inactive: null }) })) })),
})
/** The users file. */
export type ToriiUsersFile = t.TypeOf<typeof ToriiUsersFile>
