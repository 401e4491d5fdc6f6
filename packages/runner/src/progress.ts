/**
 * Live progress on a TTY: one line per account (pages, users, API calls, throttles, state), redrawn in place
 * on stderr at most every 100 ms. Off a TTY nothing is drawn.
 */
import type { SyncEvent } from '@connectors/core'
import type { Envelope, SyncUnit } from './sync.js'

interface Row {
  pages: number
  users: number
  calls: number
  throttles: number
  state: string
}

/** A progress display for `units`; `update` feeds it events, `finish` draws the last frame. */
export function createProgress(units: ReadonlyArray<SyncUnit>, write: (s: string) => void, maxRows = 20) {
  const rows = new Map<SyncUnit, Row>(units.map((u) => [u, { pages: 0, users: 0, calls: 0, throttles: 0, state: 'waiting' }]))
  let drawn = 0
  let last = 0
  const draw = () => {
    const lines: string[] = []
    let done = 0
    for (const [unit, r] of rows) {
      if (r.state !== 'waiting' && r.state !== 'syncing') done++
      if (lines.length < maxRows && r.state !== 'waiting') {
        lines.push(`  ${r.state.padEnd(7)} ${unit.connector.id}/${unit.name}: ${r.pages} pages, ${r.users} users, ${r.calls} calls, ${r.throttles} throttles`)
      }
    }
    lines.unshift(`sync: ${done}/${units.length} accounts done`)
    write(`${drawn > 0 ? `\u001b[${drawn}A` : ''}${lines.map((l) => `\u001b[2K${l}`).join('\n')}\n`)
    drawn = lines.length
  }
  return {
    update(unit: SyncUnit, event: SyncEvent | { type: 'done'; envelope: Envelope }) {
      const r = rows.get(unit)
      if (r === undefined) return
      if (r.state === 'waiting') r.state = 'syncing'
      if (event.type === 'page') {
        r.pages++
        if (event.entity === 'users') r.users += event.records
      } else if (event.type === 'apiCall') r.calls++
      else if (event.type === 'throttled') r.throttles++
      else if (event.type === 'done') r.state = event.envelope.status
      const now = Date.now()
      if (event.type === 'done' || now - last >= 100) {
        last = now
        draw()
      }
    },
    finish: draw,
  }
}
