/**
 * The write-behind window both state stores give `stage`: a page is handed to the store and the unit goes on
 * fetching while it is written, up to a few pages ahead. A page that failed to be written is reported by that
 * staging's next call that waits, and only there — other units never see it.
 */

/** Pages staged but not yet written before `stage` waits: bounds memory if the store falls behind. */
export const STAGE_WINDOW = 8

/** Per staging (by its table name), the writes not yet settled, oldest first. */
export class StagedWrites {
  private readonly unwritten = new Map<string, Array<Promise<unknown>>>()

  /** Tracks `written`; waits for the oldest write when more than {@link STAGE_WINDOW} are in flight. */
  async add(table: string, written: Promise<unknown>): Promise<void> {
    written.catch(() => {}) // reported by this staging's next call that waits
    const queue = this.unwritten.get(table) ?? []
    this.unwritten.set(table, queue)
    queue.push(written)
    if (queue.length > STAGE_WINDOW) await queue.shift()
  }

  /** The last write still tracked for the staging: a new write of the same staging goes after it. */
  last(table: string): Promise<unknown> | undefined {
    const queue = this.unwritten.get(table)
    return queue?.[queue.length - 1]
  }

  /** Waits for the staging's writes still in flight; rejects with the first that failed. */
  async settled(table: string): Promise<void> {
    const queue = this.unwritten.get(table) ?? []
    this.unwritten.delete(table)
    await Promise.all(queue)
  }
}
