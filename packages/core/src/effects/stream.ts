/**
 * `Stream<A>`: an async sequence of `Either<ConnectorError, A>`. Errors travel as values; a `Left` is the last
 * item a stream yields.
 * @module
 */
import * as E from 'fp-ts/Either'
import type { ConnectorError } from '../errors.js'

/** An async sequence of results that ends after its first `Left`. */
export type Stream<A> = AsyncIterable<E.Either<ConnectorError, A>>

/** Drains a stream: every item, or the first error. Only for small streams and tests. */
export async function collect<A>(stream: Stream<A>): Promise<E.Either<ConnectorError, ReadonlyArray<A>>> {
  const out: A[] = []
  for await (const item of stream) {
    if (E.isLeft(item)) return item
    out.push(item.right)
  }
  return E.right(out)
}

/** Maps each item of a stream, leaving errors as they are. */
export async function* mapStream<A, B>(stream: Stream<A>, f: (a: A) => B): Stream<B> {
  for await (const item of stream) {
    yield E.map(f)(item)
    if (E.isLeft(item)) return
  }
}

/** Each item through an effectful step; the stream ends at the first error, the step's or the stream's. */
export async function* chainStream<A, B>(stream: Stream<A>, f: (a: A) => Promise<E.Either<ConnectorError, B>>): Stream<B> {
  for await (const item of stream) {
    if (E.isLeft(item)) return yield item
    const next = await f(item.right)
    yield next
    if (E.isLeft(next)) return
  }
}

/**
 * Adapts a throwing async iterable (an SDK paginator) into a stream: a thrown value is translated once, by
 * `translate`, into the stream's final `Left`.
 */
export async function* fromThrowing<A>(iterable: AsyncIterable<A>, translate: (thrown: unknown) => ConnectorError): Stream<A> {
  try {
    for await (const a of iterable) yield E.right(a)
  } catch (thrown) {
    yield E.left(translate(thrown))
  }
}

/**
 * Reads one item ahead: as soon as an item is handed out, the next is requested, so fetching page n+1 overlaps
 * with whatever the consumer does with page n (mapping, writing). Same items, same order; an error surfaces where
 * it occurred. A consumer that stops early closes the source (without waiting for the request in flight).
 */
export function readAhead<A>(iterable: AsyncIterable<A>): AsyncIterable<A> {
  return {
    async *[Symbol.asyncIterator]() {
      const source = iterable[Symbol.asyncIterator]()
      let ended = false
      try {
        let pending = source.next()
        for (;;) {
          let result: IteratorResult<A>
          try {
            result = await pending
          } catch (thrown) {
            ended = true
            throw thrown
          }
          if (result.done === true) {
            ended = true
            return
          }
          pending = source.next()
          // Awaited on the next turn; if the consumer stops first, its failure must not go unhandled.
          pending.catch(() => {})
          yield result.value
        }
      } finally {
        if (!ended) void source.return?.()?.catch(() => {})
      }
    },
  }
}
