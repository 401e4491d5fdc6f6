/**
 * The live progress of `connectors sync`. On a terminal: one summary line plus the units running right now, redrawn
 * in place and always fitting the screen (a run may have 500 accounts; only the active few are listed). Elsewhere
 * (pipes, CI logs, TERM=dumb): one plain line per finished unit, since nothing can be redrawn there.
 */
import type { SyncEvent } from '@connectors/core'
import { createLogUpdate } from 'log-update'
import pc from 'picocolors'
import type { UnitStatus } from './run/envelope.js'

/** One unit as the display knows it. `unit` is unique in a run. */
export interface ProgressUnit {
  readonly unit: string
  readonly connector: string
}

/** What the display is fed, per unit. */
export type ProgressEvent =
  | SyncEvent
  | { readonly type: 'started' }
  | { readonly type: 'done'; readonly status: UnitStatus; readonly users: number; readonly fix?: string }

/** Where it draws: a stream-like sink. `isTTY`, `columns`, `rows` as on a tty.WriteStream. */
export interface ProgressStream {
  write(s: string): unknown
  readonly isTTY?: boolean
  readonly columns?: number
  readonly rows?: number
}

/** How to draw, and for which units. */
export interface ProgressOptions {
  readonly units: ReadonlyArray<ProgressUnit>
  readonly stream: ProgressStream
  /** true: redraw a live frame in place; false: plain lines, one per finished unit. The CLI decides (TTY and TERM != dumb). */
  readonly live: boolean
  /** Colours on or off (the CLI passes false for NO_COLOR, non-TTY, TERM=dumb). */
  readonly color: boolean
  /** The clock, in ms (tests pass a fake). Default Date.now. */
  readonly now?: () => number
}

/** A running display: fed events per unit, interleaved with log lines, finished once. */
export interface Progress {
  update(unit: string, event: ProgressEvent): void
  /** Writes text (one or more whole lines, e.g. a log line) above the live frame without breaking it; plain mode just writes it. */
  log(text: string): void
  /** Draws the final frame and leaves the cursor below it (live mode: the frame is cleared and replaced by a one-line total). Idempotent. */
  finish(): void
}

type Done = Extract<ProgressEvent, { type: 'done' }>
type Paint = (s: string) => string
/** A piece of a line and its colour, kept apart until the line is cut so a cut never splits an escape sequence. */
type Part = readonly [text: string, paint?: Paint | undefined]

interface Row extends ProgressUnit {
  startedAt?: number
  pages: number
  /** Users from page events; replaced by the final count when the unit is done. */
  users: number
  calls: number
  throttled: number
  status?: UnitStatus
}

/** More frames than this per second only cost CPU and terminal bandwidth; nobody reads them. */
const THROTTLE_MS = 100

/** A duration as m:ss (minutes keep counting past 59: a long run reads `83:12`). */
function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/**
 * Joins `parts` into one line of at most `width` characters (code points), ending in `…` when cut. Control characters
 * (a newline in a unit name) become `?`: one would add a line the frame did not count and break the in-place redraw.
 */
function fit(parts: ReadonlyArray<Part>, width: number): string {
  const texts = parts.map(([t]) => [...t.replace(/\p{Cc}/gu, '?')])
  const cut = texts.reduce((n, t) => n + t.length, 0) > width
  let budget = cut ? Math.max(0, width - 1) : Infinity
  let out = ''
  texts.forEach((chars, i) => {
    const text = chars.slice(0, budget).join('')
    budget -= Math.min(budget, chars.length)
    const paint = parts[i]?.[1]
    if (text !== '') out += paint === undefined ? text : paint(text)
  })
  return cut && width > 0 ? `${out}…` : out
}

/** A progress display for `options.units`; see {@link ProgressOptions} for the two modes. */
export function createProgress(options: ProgressOptions): Progress {
  const { stream, live } = options
  const now = options.now ?? Date.now
  const c = pc.createColors(options.color)
  const paint: Record<UnitStatus, Paint> = { ok: c.green, partial: c.yellow, held: c.yellow, failed: c.red, interrupted: c.red }
  const createdAt = now()
  const rows = new Map<string, Row>(
    options.units.map((u) => [u.unit, { unit: u.unit, connector: u.connector, pages: 0, users: 0, calls: 0, throttled: 0 }]),
  )
  const total = rows.size
  // Running units, least recently active first: re-inserting on each event keeps that order in O(1), so a busy
  // run with hundreds of units costs nothing per event; the frame reads it backwards.
  const active = new Map<string, Row>()
  const counts: Record<UnitStatus, number> = { ok: 0, partial: 0, held: 0, failed: 0, interrupted: 0 }
  let done = 0
  let users = 0
  let lastDraw = -Infinity
  let finished = false
  let pending: ReturnType<typeof setTimeout> | undefined
  // log-update only uses write, isTTY, columns and rows, and reads the size at each render, so a resize is followed.
  const logUpdate = live ? createLogUpdate(stream as unknown as NodeJS.WritableStream, { showCursor: true }) : undefined

  const frame = (): string => {
    const width = stream.columns ?? 80
    // One line less than the screen: log-update leaves the cursor on the line below the frame, and a frame as
    // tall as the screen would scroll it, after which the redraw can no longer reach its first line.
    const height = Math.max(1, (stream.rows ?? 24) - 1)
    const elapsed = now() - createdAt
    const failed = counts.failed + counts.interrupted
    const parts: Part[] = [[`${done}/${total} done · ${active.size} running · ${failed} `], ['failed', failed > 0 ? c.red : undefined]]
    if (counts.held > 0) parts.push([` · ${counts.held} `], ['held', c.yellow])
    if (counts.partial > 0) parts.push([` · ${counts.partial} `], ['partial', c.yellow])
    // Units run concurrently, so the rate of finished units (not the time per unit) predicts the rest.
    const eta = done > 0 ? clock((elapsed / done) * (total - done)) : '–'
    parts.push([` · ${users} users · ${clock(elapsed)} · ETA ${eta}`])
    const lines = [fit(parts, width)]
    const room = height - 1
    const running = [...active.values()].reverse()
    const shown = running.length > room ? Math.max(0, room - 1) : running.length
    for (const r of running.slice(0, shown)) {
      lines.push(fit([[`${r.connector}/${r.unit}  ${r.pages} pages · ${r.users} users · ${r.calls} calls · ${r.throttled} throttled`]], width))
    }
    if (shown < running.length && room > 0) lines.push(fit([[`… and ${running.length - shown} more running`]], width))
    return lines.join('\n')
  }

  const draw = (): void => {
    if (logUpdate === undefined || finished) return
    clearTimeout(pending)
    pending = undefined
    lastDraw = now()
    logUpdate(frame())
  }
  // Elapsed time and ETA move even while no unit reports anything (a long backoff); log-update skips identical frames.
  const ticker = live ? setInterval(draw, 1000).unref() : undefined

  const plainLine = (r: Row, e: Done): string => {
    const ms = now() - (r.startedAt ?? createdAt)
    const took = ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : clock(ms)
    const fix = e.status !== 'ok' && e.fix !== undefined ? ` — ${e.fix}` : ''
    const pad = ' '.repeat(Math.max(1, 8 - e.status.length))
    return `[${done}/${total}] ${paint[e.status](e.status)}${pad}${r.connector}/${r.unit}: ${e.users} users (${took})${fix}\n`
  }

  return {
    update(unit, event) {
      const r = rows.get(unit)
      // Unknown units and events after a unit's end are dropped: a late event must not revive a finished unit.
      if (r === undefined || r.status !== undefined) return
      if (event.type === 'done') {
        r.status = event.status
        done++
        counts[event.status]++
        // The final count replaces what the unit's pages reported, so its users are never counted twice.
        users += event.users - r.users
        r.users = event.users
        active.delete(unit)
        if (!live) stream.write(plainLine(r, event))
      } else {
        if (event.type === 'started') r.startedAt = now()
        else if (event.type === 'page') {
          r.pages++
          if (event.entity === 'users') {
            r.users += event.records
            users += event.records
          }
        } else if (event.type === 'apiCall') r.calls++
        else if (event.type === 'throttled') r.throttled++
        // Any event means the unit runs, even if its `started` was not reported.
        active.delete(unit)
        active.set(unit, r)
      }
      if (!live || finished) return
      // The last unit's end is drawn at once: the frame must not lie about a finished run.
      if (done === total) return draw()
      const wait = THROTTLE_MS - (now() - lastDraw)
      if (wait <= 0) draw()
      // A throttled event is still drawn soon, not only with the next event (which may come much later).
      else pending ??= setTimeout(draw, wait).unref()
    },
    log(text) {
      if (logUpdate === undefined || finished) {
        stream.write(text)
        return
      }
      logUpdate.clear()
      // The frame is drawn from the start of a line: text without its newline would be overwritten by it.
      stream.write(text.endsWith('\n') ? text : `${text}\n`)
      draw()
    },
    finish() {
      if (finished) return
      clearInterval(ticker)
      clearTimeout(pending)
      const line: Part[] = [[`sync: ${done}/${total} done in ${clock(now() - createdAt)} · ${counts.ok} `], ['ok', c.green]]
      for (const s of ['partial', 'held', 'failed', 'interrupted'] as const) {
        if (counts[s] > 0) line.push([` · ${counts[s]} `], [s, paint[s]])
      }
      line.push([` · ${users} users`])
      finished = true
      // persist() erases the frame and writes the total in one go, leaving the cursor below it.
      logUpdate?.persist(fit(line, Infinity))
    },
  }
}
