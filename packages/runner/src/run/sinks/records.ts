/**
 * The records sink: the unit's records, one JSON object a line, in `records/<connector>/<unit>.ndjson`. Each line
 * says which run and unit it came from: `{"schema","runId","syncedAt","type","connector","unit","accountId","data"}`.
 */
import type { EntityKind } from '@connectors/core'
import { AtomicStream } from '../../outputs.js'
import { SCHEMA_VERSION } from '../envelope.js'
import type { OutputSink, SinkBatch } from './sink.js'

/** Who wrote a record: the fields every line carries besides its type and data. */
export interface RecordOrigin {
  readonly runId: string
  readonly syncedAt: string
  readonly connector: string
  readonly unit: string
  readonly accountId: string | null
}

const TYPE: Readonly<Record<EntityKind, string>> = { users: 'user', groups: 'group', memberships: 'membership' }

/** Opens the records sink of a unit, writing to `file`. */
export async function openRecordsSink(file: string, origin: RecordOrigin): Promise<OutputSink> {
  const stream = await AtomicStream.open(file)
  // The line head is the same for a whole page: build it once per entity kind.
  const common = `"schema":${SCHEMA_VERSION},"runId":${JSON.stringify(origin.runId)},"syncedAt":${JSON.stringify(origin.syncedAt)}`
  const owner = `"connector":${JSON.stringify(origin.connector)},"unit":${JSON.stringify(origin.unit)},"accountId":${JSON.stringify(origin.accountId)}`
  const head = (entity: EntityKind) => `{${common},"type":"${TYPE[entity]}",${owner},"data":`
  const heads = { users: head('users'), groups: head('groups'), memberships: head('memberships') }
  return {
    file,
    keep: 'always',
    async write(batch: SinkBatch) {
      let lines = ''
      for (const record of batch.records) lines += `${heads[batch.entity]}${record.json}}\n`
      await stream.write(lines)
    },
    commit: () => stream.commit(),
    abort: () => stream.abort(),
  }
}
