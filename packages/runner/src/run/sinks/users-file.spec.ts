import type { User } from '@connectors/core'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ToriiUsersFile } from '../../platform/torii.js'
import { prepare } from './sink.js'
import { openUsersFileSink } from './users-file.js'

const user = (i: number): User => ({ accountId: 'alpha', id: `u${i}`, username: `user-${i}`, email: `user-${i}@example.test`, status: 'active', roles: [], licenses: i % 3 === 0 ? ['Seat', 'Admin seat'] : ['Seat'] })

/** Writes `count` users a page of 1000 at a time; returns the folder's files seen before the commit, and the file. */
async function usersFile(count: number, end: 'commit' | 'abort' = 'commit') {
  const dir = await mkdtemp(join(tmpdir(), 'users-file-'))
  const sink = await openUsersFileSink(join(dir, 'alpha.json'), join(dir, 'staging', 'alpha'))
  for (let from = 0; from < count; from += 1000) {
    await sink.write(prepare('users', Array.from({ length: Math.min(1000, count - from) }, (_, i) => user(from + i))))
  }
  // A staging file is created when its stream opens, just after its first write: look for it a while.
  let staged: string[] = []
  for (let tries = 0; tries < 20 && staged.length === 0; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    staged = await readdir(join(dir, 'staging')).catch(() => [])
  }
  await (end === 'commit' ? sink.commit() : sink.abort())
  const file = end === 'commit' ? (JSON.parse(await readFile(join(dir, 'alpha.json'), 'utf8')) as ToriiUsersFile) : undefined
  return { staged, file, left: await readdir(join(dir, 'staging')).catch(() => []) }
}

describe('the users file sink', () => {
  it("keeps a small account's license holders in memory: no staging file at all", async () => {
    const { staged, file, left } = await usersFile(300)
    expect(staged).toEqual([])
    expect(left).toEqual([])
    expect(file?.users).toHaveLength(300)
    expect(file?.licenses.map((l) => [l.name, l.users.length])).toEqual([
      ['Seat', 300],
      ['Admin seat', 100],
    ])
  })

  it('spills the holders of a large account to staging past a MiB, keeps their order, and leaves no staging behind', async () => {
    const { staged, file, left } = await usersFile(25_000)
    expect(staged.length).toBeGreaterThan(0)
    expect(left).toEqual([])
    const seat = file?.licenses.find((l) => l.name === 'Seat')
    expect(seat?.users.map((h) => h.email)).toEqual(Array.from({ length: 25_000 }, (_, i) => `user-${i}@example.test`))
    expect(file?.licenses.find((l) => l.name === 'Admin seat')?.users).toHaveLength(Math.ceil(25_000 / 3))
  })

  it('removes what it spilled when the sync is not applied', async () => {
    const { staged, left } = await usersFile(25_000, 'abort')
    expect(staged.length).toBeGreaterThan(0)
    expect(left).toEqual([])
  })
})
