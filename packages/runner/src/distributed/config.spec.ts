import { describe, expect, it } from 'vitest'
import { exampleConnector, FakeDirectory, sampleDirectory } from '@connectors/testkit/example'
import * as E from 'fp-ts/Either'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { planUnits } from '../plan.js'
import type { Io } from '../commands/io.js'
import { jobsOf, readQueuedConfig } from './config.js'
import { unitOfJob } from './job.js'

const connector = exampleConnector(() => new FakeDirectory(sampleDirectory, 'tok'))
const io = (env: Record<string, string>, cwd: string): Io => ({ out: () => undefined, err: () => undefined, env, cwd, stdoutIsTty: false, stderr: { write: () => true } })
const drop = { threshold: 0.3, accept: false }

async function configFile(token: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'queued-config-'))
  await writeFile(join(dir, 'run.json'), JSON.stringify({ platform: { organizationId: '${env:ORG}' }, connectors: [{ connector: 'example', accounts: [{ name: 'alpha', config: { tenant: 'alpha', token } }] }] }))
  return dir
}

describe('a run queued for workers', () => {
  it('queues each account as written, with its secrets as references the worker resolves from its own environment', async () => {
    const dir = await configFile('${env:TOKEN}')
    const source = await readQueuedConfig('run.json', io({ TOKEN: 'tok', ORG: 'org-secret' }, dir), dir)
    const planned = planUnits(source.config, [connector])
    if (E.isLeft(planned)) throw new Error(planned.left.join())
    const [job] = jobsOf(planned.right, [connector], source, { runId: 'r', out: '/out', baseDir: dir, drop })
    expect(JSON.stringify(job)).not.toMatch(/tok"|org-secret/)
    expect(job?.entry.config).toEqual({ tenant: 'alpha', token: '${env:TOKEN}' })
    const unit = unitOfJob(job!, connector, { TOKEN: 'tok', ORG: 'org-7' })
    expect(E.isRight(unit) && unit.right.unit.config).toEqual({ tenant: 'alpha', token: 'tok' })
    expect(E.isRight(unit) && unit.right.platform).toEqual({ organizationId: 'org-7' })
    expect(unitOfJob(job!, connector, { ORG: 'org-7' })).toEqual(E.left(expect.stringContaining('environment variable TOKEN is not set')))
  })

  it('refuses to queue a secret written in the run config', async () => {
    const dir = await configFile('tok-literal')
    const source = await readQueuedConfig('run.json', io({ ORG: 'o' }, dir), dir)
    const planned = planUnits(source.config, [connector])
    if (E.isLeft(planned)) throw new Error(planned.left.join())
    expect(() => jobsOf(planned.right, [connector], source, { runId: 'r', out: '/out', baseDir: dir, drop })).toThrow(/connectors\[0\]\.accounts\[0\]\.config\.token: a secret written in the run config would be queued in Redis; give it as \$\{env:NAME\}/)
  })
})
