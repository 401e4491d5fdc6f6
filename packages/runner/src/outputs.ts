/**
 * Output files: written to a temporary name and renamed into place, so a crash never leaves a half-written file
 * under a real name.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/** The temporary name of `path` while this process writes it; a run removes those of dead runs before it starts. */
const temporaryOf = (path: string) => `${path}.tmp-${process.pid}`

/** Writes `content` to `path` atomically (temp file in the same directory, then rename). */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temp = temporaryOf(path)
  try {
    await writeFile(temp, content)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

/**
 * An append-only file that appears under its name only when committed. A failed write (a full disk, a vanished
 * folder) never escapes as an uncaught exception: it rejects the next `write` or `commit`.
 */
export class AtomicStream {
  private readonly stream: WriteStream
  private readonly temp: string
  private failure: Error | undefined
  /** One wait for 'drain' shared by every writer (one listener, however many writers wait). */
  private drained: Promise<void> | undefined

  private constructor(readonly path: string) {
    this.temp = temporaryOf(path)
    // A few MiB of buffer let the disk catch up while the next page is fetched, instead of stalling each batch.
    this.stream = createWriteStream(this.temp, { highWaterMark: 4 * 1024 * 1024 })
    this.stream.on('error', (error) => {
      this.failure ??= error
    })
  }

  /** Opens a new stream (its folder is created when missing). */
  static async open(path: string): Promise<AtomicStream> {
    await mkdir(dirname(path), { recursive: true })
    return new AtomicStream(path)
  }

  /**
   * What broke the stream, if anything: the error it reported, or the one that destroyed it (`errored`, set at once,
   * before the 'error' event arrives) — never the secondary "stream was destroyed" that any later call would get.
   */
  private broken(): Error | undefined {
    return this.failure ?? this.stream.errored ?? undefined
  }

  /** Writes a chunk, waiting when the stream's buffer is full (bounded memory). */
  async write(chunk: string): Promise<void> {
    const broken = this.broken()
    if (broken !== undefined) throw broken
    if (this.stream.write(chunk)) return
    this.drained ??= new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done).off('error', done).off('close', done)
        this.drained = undefined
        resolve()
      }
      this.stream.on('drain', done).on('error', done).on('close', done)
    })
    await this.drained
    const after = this.broken()
    if (after !== undefined) throw after
  }

  /** Finishes the file and moves it into place under its name. */
  async commit(): Promise<void> {
    const broken = this.broken()
    if (broken !== undefined) throw broken
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(this.broken() ?? error) : resolve())))
    const after = this.broken()
    if (after !== undefined) throw after
    await rename(this.temp, this.path)
  }

  /** Drops the file; safe to call after a failure or a commit, and more than once. */
  async abort(): Promise<void> {
    this.stream.destroy()
    await rm(this.temp, { force: true })
  }
}
