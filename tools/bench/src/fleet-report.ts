/** The fleet's section of docs/BENCHMARKS.md. */
import { FLEET_ASSUME_ROLE_RATE, FLEET_CONCURRENCY, fleet, type FleetRow } from './fleet.js'

const f = (n: number | undefined, d = 2) => (n !== undefined && Number.isFinite(n) ? n.toFixed(d) : '–')

/**
 * The worker count past which more workers no longer pay: the first count whose next one adds less than a tenth
 * to the throughput (or the largest measured, if every step still paid).
 */
export function saturation(rows: ReadonlyArray<FleetRow>): { readonly workers: number; readonly saturated: boolean } {
  const queued = rows.filter((r) => r.workers > 0).sort((a, b) => a.workers - b.workers)
  for (const [i, r] of queued.entries()) {
    const next = queued[i + 1]
    if (next !== undefined && next.unitsPerS < r.unitsPerS * 1.1) return { workers: r.workers, saturated: true }
  }
  return { workers: queued.at(-1)?.workers ?? 0, saturated: false }
}

/** The section: what was run, the table, identity with the single process, and where this machine saturates. */
export function renderFleet(rows: ReadonlyArray<FleetRow>, machine: string, command: string): string {
  const table = [
    '| contender | sync s | accounts/s | users/s | CPU s (ours, every process) | CPU ms / account | sandbox CPU s | Redis commands / account | PostgreSQL round trips / account | accounts failed | same as one process |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      `| ${r.contender} | ${f(r.syncS)} | ${f(r.unitsPerS, 1)} | ${Math.round(r.usersPerS)} | ${f(r.cpuS)} | ${f(r.cpuMsPerUnit, 1)} | ${f(r.sandboxCpuS)} | ${f(r.redisCommandsPerUnit, 1)} | ${f(r.pgRoundTripsPerUnit, 1)} | ${r.accountsFailed} | ${r.workers === 0 ? '(the reference)' : r.differences.length === 0 ? 'identical' : `**no**: ${r.differences.join('; ')}`} |`,
    ),
  ].join('\n')
  const s = saturation(rows)
  const verdict = s.saturated
    ? `On this machine the throughput stops growing past **${s.workers} worker${s.workers === 1 ? '' : 's'}**: the next count added less than a tenth.`
    : `The throughput still grew at ${s.workers} workers, the most measured.`
  return [
    '## Scale-out: the fleet',
    '',
    `Machine: ${machine}. Command: \`${command}\`.`,
    '',
    `\`fleet\` — ${fleet.description}. The single-process CLI (\`connectors sync\`, SQLite state, \`--concurrency ${FLEET_CONCURRENCY}\`) runs it first; then 1, 2 and 4 \`connectors worker\` processes (\`--concurrency ${FLEET_CONCURRENCY}\` each, on this machine) run it under \`connectors sync --redis … --state postgres://…\`, on the testkit's Redis and PostgreSQL (the URLs in \`REDIS_URL\`/\`DATABASE_URL\`, else throwaway servers on this machine: a PostgreSQL without fsync). Each run has a fresh sandbox, database and queue prefix. \`CONNECTORS_ASSUME_ROLE_RATE\` is ${FLEET_ASSUME_ROLE_RATE}: the sandbox limits no AssumeRole, and at the default 20/s a 1,000-account run cannot take less than 50 s whatever the worker count.`,
    '',
    "*sync s* is report.json's `elapsedMs` (first job queued to the report). *CPU s* is every process of ours over the run: the sync's own (report.json's `cpuMs`) plus each worker's, read from /proc from the moment it took accounts to the end of the sync (idle polling included); the sandbox, Redis and PostgreSQL run on the same two cores beside them. *Redis commands* are the server's `total_commands_processed` over the run (every client: the sync, the workers, BullMQ's own polling); *PostgreSQL round trips* are the simple queries and extended-protocol syncs the clients sent, counted by a relay in front of the server. *Same as one process*: every record (but for its run id and time, sorted), every users file byte for byte, and every account's snapshot, departed users and history rows equal the single-process run's.",
    '',
    table,
    '',
    verdict,
  ].join('\n')
}
