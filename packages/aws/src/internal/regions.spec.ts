import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PARTITIONS, partitionOfRegion, regionsOf } from './regions.js'

/**
 * The SDK's own partition table. It is not exported (only the `partition()` lookup is), so the test reads the
 * file the lookup is built from: if an SDK upgrade moves it, this test says so rather than the list drifting.
 */
async function sdkTable(): Promise<ReadonlyArray<{ readonly id: string; readonly regions: Readonly<Record<string, unknown>> }>> {
  const root = dirname(createRequire(import.meta.url).resolve('@aws-sdk/core/package.json'))
  const file = join(root, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js')
  const { partitionsInfo } = (await import(pathToFileURL(file).href)) as { partitionsInfo: { partitions: ReadonlyArray<{ id: string; regions: Record<string, unknown> }> } }
  return partitionsInfo.partitions
}

describe('the SDK partition data', () => {
  it('places a real region of each partition in it, and no made-up one', () => {
    expect([partitionOfRegion('us-east-1'), partitionOfRegion('cn-north-1'), partitionOfRegion('us-gov-west-1')]).toEqual(['aws', 'aws-cn', 'aws-us-gov'])
    expect(partitionOfRegion('us-east-9')).toBeUndefined()
  })

  it('lists every region of every supported partition, exactly as the SDK’s table has them', async () => {
    const table = await sdkTable()
    for (const partition of PARTITIONS) {
      const regions = Object.keys(table.find((p) => p.id === partition)?.regions ?? {}).filter((r) => !r.endsWith('-global'))
      expect(regionsOf(partition)).toEqual([...regions].sort())
      expect(regionsOf(partition).length).toBeGreaterThan(1)
    }
  })
})
