/**
 * A sink takes a unit's pages and turns them into one output. Every sink follows the same protocol — `write` any
 * number of pages, then exactly one of `commit` or `abort` — so a unit either applies an output whole or leaves
 * no trace of it.
 */
import type { EntityKind, RecordOf } from '@connectors/core'

/** A record with its JSON, serialized once and shared by every sink. */
export interface Prepared<T> {
  readonly value: T
  readonly json: string
}

/** A page as sinks receive it. */
export type SinkBatch = { readonly [K in EntityKind]: { readonly entity: K; readonly records: ReadonlyArray<Prepared<RecordOf[K]>> } }[EntityKind]

/** Serializes a page's records once. */
export function prepare<K extends EntityKind>(entity: K, records: ReadonlyArray<RecordOf[K]>): SinkBatch {
  return { entity, records: records.map((value) => ({ value, json: JSON.stringify(value) })) } as SinkBatch
}

/** One output of a unit. */
export interface OutputSink {
  /** The file it commits to. */
  readonly file: string
  /** `always`: kept for every sync that produced records (a partial one too); `applied`: only for a complete, applied sync. */
  readonly keep: 'always' | 'applied'
  write(batch: SinkBatch): Promise<void>
  /** Makes the output appear under `file`, whole. */
  commit(): Promise<void>
  /** Removes every trace of it. Never throws. */
  abort(): Promise<void>
}

/** Runs `abort` on every sink, each on its own (one failing abort does not skip the others). */
export async function abortAll(sinks: ReadonlyArray<{ abort(): Promise<void> }>): Promise<void> {
  await Promise.all(sinks.map((s) => s.abort().catch(() => undefined)))
}
