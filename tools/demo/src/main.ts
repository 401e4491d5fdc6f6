/**
 * The README's main job. Until the runner lands it syncs the example connector's in-memory directory through
 * the real contract (config decoding, auth, fetchers in dependency order, pagination, concurrency).
 */
import { defaultRunContext, errorMessage, syncAccount, type Batch } from '@connectors/core'
import { exampleConnector, FakeDirectory, sampleDirectory } from '@connectors/testkit/example'

const token = 'tok_demo0001'
const directory = new FakeDirectory(sampleDirectory, token)
const connector = exampleConnector(() => directory)
const sync = syncAccount(connector, { tenant: 'demo-org', token }, defaultRunContext())
const counts: Record<string, number> = {}
for (;;) {
  const next = await sync.next()
  if (next.done === true) {
    const outcome = next.value
    console.log(`account ${outcome.account}: ${outcome.complete ? 'complete' : 'incomplete'} sync, ${directory.pagesServed} pages`)
    console.log(Object.entries(counts).map(([k, v]) => `  ${k}: ${v}`).join('\n'))
    for (const e of outcome.errors) console.log(`  error: ${errorMessage(e)}`)
    process.exitCode = outcome.complete ? 0 : 1
    break
  }
  const batch: Batch = next.value
  counts[batch.entity] = (counts[batch.entity] ?? 0) + batch.records.length
  if (batch.entity === 'users') for (const u of batch.records) console.log(`  user ${u.username} [${u.status}] roles: ${u.roles.join(', ') || '-'}`)
}
