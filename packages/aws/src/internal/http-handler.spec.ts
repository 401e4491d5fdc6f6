import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BoundedHttpHandler } from './http-handler.js'

let server: Server
let port = 0

beforeAll(async () => {
  // /declared/<n>: n bytes with a Content-Length; /chunked/<n>: n bytes without one, in 100-byte chunks.
  server = createServer((req, res) => {
    const [, how, size] = (req.url ?? '').split('/')
    const body = 'x'.repeat(Number(size))
    if (how === 'declared') {
      res.writeHead(200, { 'content-length': body.length })
      res.end(body)
      return
    }
    res.writeHead(200)
    for (let i = 0; i < body.length; i += 100) res.write(body.slice(i, i + 100))
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const fetchBody = async (handler: BoundedHttpHandler, path: string): Promise<string> => {
  const { response } = await handler.handle({ protocol: 'http:', hostname: '127.0.0.1', port, method: 'GET', path, headers: {}, query: {} } as Parameters<BoundedHttpHandler['handle']>[0])
  const chunks: Buffer[] = []
  for await (const chunk of response.body as Readable) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString()
}

describe('BoundedHttpHandler', () => {
  const handler = new BoundedHttpHandler({ requestTimeoutMs: 5_000 }, 1_000)
  afterAll(() => handler.destroy())

  it('passes a response within the cap through whole, declared or not', async () => {
    expect(await fetchBody(handler, '/declared/1000')).toHaveLength(1000)
    expect(await fetchBody(handler, '/chunked/1000')).toHaveLength(1000)
  })

  it('refuses a response over the cap by its Content-Length, before reading it', async () => {
    await expect(fetchBody(handler, '/declared/5000')).rejects.toThrow('the response (5000 bytes) exceeds the 1000-byte cap')
  })

  it('refuses a response without a length as soon as its bytes pass the cap', async () => {
    await expect(fetchBody(handler, '/chunked/5000')).rejects.toThrow('the response (over 1000 bytes) exceeds the 1000-byte cap')
  })
})
