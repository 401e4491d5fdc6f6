/**
 * The connector's HTTP transport: the SDK's Node handler with keep-alive and timeouts, plus a cap on response
 * size, so a hostile or broken endpoint cannot make the connector buffer without bound.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { HttpHandlerOptions, HttpResponse } from '@smithy/types'
import { Agent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { Transform, type Readable } from 'node:stream'

/** Responses above this many bytes are refused (a full 1,000-user IAM page is about 300 KB). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024

/** `bytes`: the declared length, or, for a body counted as it arrives, none (it is refused as soon as it passes `max`). */
const tooLarge = (max: number, bytes?: number) => Object.assign(new Error(`the response (${bytes ?? `over ${max}`} bytes) exceeds the ${max}-byte cap`), { name: 'ResponseTooLarge' })

/** A NodeHttpHandler that refuses oversized responses: by Content-Length, or as the bytes of a body without one arrive. */
export class BoundedHttpHandler extends NodeHttpHandler {
  constructor(
    options: { readonly requestTimeoutMs: number; readonly connectionTimeoutMs?: number },
    private readonly maxBytes = MAX_RESPONSE_BYTES,
  ) {
    const agent = { keepAlive: true, maxSockets: 256 }
    super({ connectionTimeout: options.connectionTimeoutMs ?? 5_000, requestTimeout: options.requestTimeoutMs, httpAgent: new Agent(agent), httpsAgent: new HttpsAgent(agent) })
  }

  override async handle(request: Parameters<NodeHttpHandler['handle']>[0], options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const { response } = await super.handle(request, options)
    const max = this.maxBytes
    const declared = Number(response.headers['content-length'] ?? Number.NaN)
    const body = response.body as Readable
    if (declared > max) {
      body.destroy()
      throw tooLarge(max, declared)
    }
    // A declared length, without a chunked encoding beside it, is what Node's parser delivers, never more: only any
    // other body is counted as it arrives (a stream stage per response costs CPU on every call).
    if (Number.isFinite(declared) && response.headers['transfer-encoding'] === undefined) return { response }
    let seen = 0
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length
        if (seen > max) done(tooLarge(max))
        else done(null, chunk)
      },
    })
    body.on('error', (e) => counter.destroy(e))
    response.body = body.pipe(counter)
    return { response }
  }
}
