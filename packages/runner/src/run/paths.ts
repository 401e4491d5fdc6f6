/**
 * Where a unit's files go under the output folder. Names come from the unit's file name (the run config's name,
 * made safe by the plan), never from upstream data.
 */
import { join } from 'node:path'

/** The staging folder of a run: temporary files that never outlive it. */
export const STAGING_DIR = '.staging'

/** A unit's files: its records, its platform users file, and the base name of its staging files. */
export function unitPaths(out: string, connector: string, fileName: string) {
  return {
    records: join(out, 'records', connector, `${fileName}.ndjson`),
    usersFile: join(out, 'torii', connector, `${fileName}.json`),
    staging: join(out, STAGING_DIR, connector, fileName),
  }
}
