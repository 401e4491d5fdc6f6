/**
 * Which regions exist, according to the partition data the AWS SDK itself ships and resolves endpoints from — so
 * a region the SDK does not know is a config error naming the real ones, not a DNS failure retried at sync time.
 *
 * `@aws-sdk/core` exports a lookup, `partition(region)`, but not its table: a region the table lists comes back
 * with the region's own description, while any other string comes back with only the outputs of the partition
 * its pattern suggests. Known-ness is read from that lookup; the list of a partition's regions (for messages) is
 * every region-shaped code the lookup knows, and `regions.spec.ts` holds that list equal to the SDK's table.
 */
import { partition as sdkPartition } from '@aws-sdk/core/client'

/** The AWS partitions the connectors support: the commercial one, China and GovCloud (US). */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov'

/** The supported partitions, in the order messages name them. */
export const PARTITIONS: ReadonlyArray<Partition> = ['aws', 'aws-cn', 'aws-us-gov']

const isPartition = (name: string): name is Partition => (PARTITIONS as ReadonlyArray<string>).includes(name)

/** What the SDK's lookup says about a code: its partition, and whether its table lists the code as a region. */
function lookup(region: string): { readonly partition: string; readonly known: boolean } {
  const found = sdkPartition(region) as { readonly name: string; readonly description?: unknown }
  return { partition: found.name, known: typeof found.description === 'string' }
}

/** The partition of a region the SDK knows, or `undefined` for a code it does not list. */
export function partitionOfRegion(region: string): string | undefined {
  const { partition, known } = lookup(region)
  return known ? partition : undefined
}

// Region codes are <area>-<direction>-<number>; these cover every code of the supported partitions.
const AREAS = ['af', 'ap', 'ca', 'cn', 'eu', 'il', 'me', 'mx', 'sa', 'us', 'us-gov']
const DIRECTIONS = ['central', 'east', 'north', 'northeast', 'northwest', 'south', 'southeast', 'southwest', 'west']
const MAX_NUMBER = 19

let table: ReadonlyMap<Partition, ReadonlyArray<string>> | undefined

/** The regions of a partition that the SDK knows, sorted (computed once, on first use). */
export function regionsOf(partition: Partition): ReadonlyArray<string> {
  if (table === undefined) {
    const byPartition = new Map<Partition, string[]>(PARTITIONS.map((p) => [p, []]))
    for (const area of AREAS) {
      for (const direction of DIRECTIONS) {
        for (let n = 1; n <= MAX_NUMBER; n++) {
          const code = `${area}-${direction}-${n}`
          const owner = partitionOfRegion(code)
          if (owner !== undefined && isPartition(owner)) byPartition.get(owner)?.push(code)
        }
      }
    }
    table = new Map([...byPartition].map(([p, codes]) => [p, codes.sort()]))
  }
  return table.get(partition) ?? []
}

/** Length of the common prefix of two strings. */
const shared = (a: string, b: string): number => {
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  return i
}

/**
 * Why a region-shaped code is not a usable region, in words that complete "expected …", or `undefined` when the
 * SDK knows it as a region of a supported partition. The regions it lists come nearest first, so the one that was
 * meant leads (`us-east-9` → `us-east-1, us-east-2, us-west-1, …`).
 */
export function regionProblem(region: string): string | undefined {
  const { partition, known } = lookup(region)
  if (!isPartition(partition)) return `a region of the ${PARTITIONS.join(', ')} partitions, not of ${partition}`
  if (known) return undefined
  const nearest = [...regionsOf(partition)].sort((a, b) => shared(b, region) - shared(a, region) || a.localeCompare(b))
  return `a region of the ${partition} partition (${nearest.join(', ')})`
}
