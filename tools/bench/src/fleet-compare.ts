/** Whether a queued run of the fleet wrote and kept exactly what the single process did: records, users files, state. */
import { PgState, StateWorker, type StateReader } from '@connectors/runner'
import { recordLines } from '@connectors/runner/testing'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { accountIds } from './sandbox.js'
import type { Scenario } from './scenarios.js'

/** Every record line but for its run id and time, sorted. */
async function sortedRecords(out: string): Promise<string[]> {
  const lines: string[] = []
  for await (const { runId: _r, syncedAt: _s, ...rest } of recordLines(out)) lines.push(JSON.stringify(rest))
  return lines.sort()
}

async function usersFiles(out: string): Promise<Map<string, string>> {
  const dir = join(out, 'torii', 'aws-iam')
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json'))
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const)))
}

/** One account's state, as compared: its snapshot, departed users and history (status, users, deleted). */
async function stateOf(store: StateReader, account: string): Promise<string> {
  const snapshot = (await store.snapshot('aws-iam', account)).map((u) => `${u.id} ${u.record}`)
  const departed = (await store.departed('aws-iam', account)).map((u) => `${u.id} ${u.record}`)
  const history = (await store.history('aws-iam', account)).map((h) => [h.status, h.users, h.deleted])
  return JSON.stringify({ snapshot, departed, history })
}

/** The differences between the single process's run (`singleOut`, SQLite `singleDb`) and a queued one (`out`, PostgreSQL `state`). */
export async function sameRun(singleOut: string, singleDb: string, out: string, state: string, scenario: Scenario): Promise<string[]> {
  const differences: string[] = []
  const [expected, got] = [await sortedRecords(singleOut), await sortedRecords(out)]
  // As multisets: a missing line must count once, not shift every line after it.
  const counts = new Map<string, number>()
  for (const line of expected) counts.set(line, (counts.get(line) ?? 0) + 1)
  let extra = 0
  for (const line of got) {
    const n = counts.get(line) ?? 0
    if (n > 0) counts.set(line, n - 1)
    else extra++
  }
  const missing = [...counts.values()].reduce((a, b) => a + b, 0)
  if (missing + extra > 0) differences.push(`${missing} of ${expected.length} records missing, ${extra} not in the single process's`)
  const [files, theirs] = [await usersFiles(singleOut), await usersFiles(out)]
  const unequal = [...files].filter(([f, text]) => theirs.get(f) !== text).length + [...theirs.keys()].filter((f) => !files.has(f)).length
  if (unequal > 0) differences.push(`${unequal} of ${files.size} users files differ`)
  const [sqlite, pg] = [await StateWorker.open(singleDb), await PgState.open(state)]
  try {
    let accounts = 0
    for (const account of accountIds(scenario)) if ((await stateOf(sqlite, account)) !== (await stateOf(pg, account))) accounts++
    if (accounts > 0) differences.push(`the state of ${accounts} accounts differs`)
  } finally {
    await Promise.all([sqlite.close(), pg.close()])
  }
  return differences
}
