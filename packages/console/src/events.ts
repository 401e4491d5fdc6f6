/**
 * What the page is told as it happens — an account changed, a sync moved on — fanned out to every open
 * server-sent-events stream. Nothing is buffered for a page that is not listening: on (re)connecting, a page
 * reads the current state, which says the number of the last event it includes, and applies only later ones.
 */

/** An event: its type (the SSE `event:` field) and its JSON data. */
export interface ConsoleEvent {
  readonly type: 'account' | 'account-removed' | 'progress' | 'job'
  readonly data: unknown
}

/** An event as sent: numbered, so a page that read the state at number n applies only the events after n. */
export interface SentEvent extends ConsoleEvent {
  readonly seq: number
}

export class EventBus {
  private readonly listeners = new Set<(event: SentEvent) => void>()
  private last = 0

  /** The number of the last event sent: what a read of the state now is as new as. */
  get seq(): number {
    return this.last
  }

  /** Calls `listener` with every event until the returned function is called. */
  subscribe(listener: (event: SentEvent) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  emit(event: ConsoleEvent): void {
    const sent = { ...event, seq: ++this.last }
    for (const listener of this.listeners) {
      try {
        listener(sent)
      } catch {
        // A stream that cannot be written to is closing: its own close handler unsubscribes it.
      }
    }
  }

  get size(): number {
    return this.listeners.size
  }
}

/** An event in the SSE wire format. JSON never contains a raw newline, so one `data:` line carries it. */
export const sseFrame = (event: SentEvent) => `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`
