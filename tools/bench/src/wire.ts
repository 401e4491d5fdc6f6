/**
 * Counting what the distributed mode asks of its servers, from the servers' side, so that every client is counted
 * (the sync, every worker, BullMQ's own polling) without changing them:
 *
 * - Redis: the server's `total_commands_processed` (INFO stats), read before and after a run.
 * - PostgreSQL: a TCP relay in front of the server that counts the round trips clients start — a simple `Query`
 *   message, or an extended-protocol `Sync` (node-postgres ends every parameterized statement with one).
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

/** Sends one inline command to the Redis at `url` and resolves with its raw answer. */
function redisCommand(url: string, command: string): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port || 6379), hostname)
    let answer = ''
    socket.once('error', reject)
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString()
      // A bulk string: `$<length>\r\n<body>\r\n`.
      const header = /^\$(\d+)\r\n/.exec(answer)
      if (header !== null && Buffer.byteLength(answer) >= header[0].length + Number(header[1]) + 2) {
        socket.destroy()
        resolve(answer)
      } else if (answer.startsWith('-')) {
        socket.destroy()
        reject(new Error(`Redis: ${answer.trim()}`))
      }
    })
    socket.write(`${command}\r\n`)
  })
}

/** The commands the Redis at `url` has processed since it started. */
export async function redisCommands(url: string): Promise<number> {
  const info = await redisCommand(url, 'INFO stats')
  const match = /total_commands_processed:(\d+)/.exec(info)
  if (match === null) throw new Error('Redis INFO stats gave no total_commands_processed')
  return Number(match[1])
}

/** A relay in front of a PostgreSQL server that counts round trips. */
export interface PgCounter {
  /** `url` with the relay's address in place of the server's. */
  readonly via: (url: string) => string
  /** Round trips since the relay started. */
  readonly roundTrips: () => number
  readonly close: () => Promise<void>
}

const STARTUP = 196_608 // protocol 3.0
const SSL_REQUEST = 80_877_103

/** Counts `Q` and `S` messages in one client's stream, past its startup message. */
function counter(onRoundTrip: () => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0)
  let started = false
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk])
    for (;;) {
      if (!started) {
        if (buffered.length < 8) return
        const length = buffered.readInt32BE(0)
        if (buffered.length < length) return
        const code = buffered.readInt32BE(4)
        if (code === STARTUP) started = true
        else if (code !== SSL_REQUEST) started = true // a cancel request or another protocol: nothing to count
        buffered = buffered.subarray(length)
        continue
      }
      if (buffered.length < 5) return
      const length = buffered.readInt32BE(1)
      if (buffered.length < 1 + length) return
      const type = String.fromCharCode(buffered[0] as number)
      if (type === 'Q' || type === 'S') onRoundTrip()
      buffered = buffered.subarray(1 + length)
    }
  }
}

/** Starts a relay to the PostgreSQL server of `url`. */
export async function startPgCounter(url: string): Promise<PgCounter> {
  const upstream = new URL(url)
  let trips = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const db = connect(Number(upstream.port || 5432), upstream.hostname)
    for (const s of [client, db]) {
      sockets.add(s)
      s.once('close', () => sockets.delete(s))
      s.on('error', () => undefined)
    }
    const count = counter(() => trips++)
    client.on('data', count)
    client.pipe(db)
    db.pipe(client)
    client.once('close', () => db.destroy())
    db.once('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    via: (target) => {
      const u = new URL(target)
      u.hostname = '127.0.0.1'
      u.port = String(port)
      return u.toString()
    },
    roundTrips: () => trips,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
