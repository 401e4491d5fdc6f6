/**
 * `@connectors/runner/testing`: reading a sync's outputs back, for tests, the benchmark and the fault matrix.
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** One line of a records file. */
export interface RecordLine {
  readonly schema: number
  readonly runId: string
  readonly syncedAt: string
  readonly type: 'user' | 'group' | 'membership'
  readonly connector: string
  readonly unit: string
  readonly accountId: string | null
  readonly data: Record<string, unknown> & { readonly id?: string }
}

/** The records files under an output folder (`records/<connector>/<unit>.ndjson`), sorted. */
export async function recordFiles(out: string): Promise<string[]> {
  const root = join(out, 'records')
  const connectors = await readdir(root).catch(() => [] as string[])
  const files = await Promise.all(connectors.map(async (c) => (await readdir(join(root, c))).filter((f) => f.endsWith('.ndjson')).map((f) => join(root, c, f))))
  return files.flat().sort()
}

/** Every record line under an output folder, file by file, streamed. */
export async function* recordLines(out: string): AsyncGenerator<RecordLine> {
  for (const file of await recordFiles(out)) {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line !== '') yield JSON.parse(line) as RecordLine
  }
}

/** Every record line under an output folder, in memory. */
export async function readRecords(out: string): Promise<RecordLine[]> {
  const lines: RecordLine[] = []
  for await (const line of recordLines(out)) lines.push(line)
  return lines
}

/** A unit's records without what differs from one run to the next (its run id and sync time), to compare runs. */
export async function recordsWithoutRun(out: string, unit: string): Promise<Array<Omit<RecordLine, 'runId' | 'syncedAt'>>> {
  return (await readRecords(out)).filter((r) => r.unit === unit).map(({ runId: _runId, syncedAt: _syncedAt, ...rest }) => rest)
}
