/** The identity-center scenario's section of docs/BENCHMARKS.md. */
import { idcBoundS, idcMinimumCalls, type IdcRow } from './idc.js'
import type { Scenario } from './scenarios.js'

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–')

export function renderIdentityCenter({ scenario: s, rows }: { scenario: Scenario; rows: ReadonlyArray<IdcRow> }, machine: string, command: string): string {
  const bound = idcBoundS(s)
  const minimum = idcMinimumCalls(s) * s.accounts
  const table = [
    '| contender | runs | sync s (median) | sync s (range) | bound s | sync / bound | API calls (minimum) | successful calls | throttled | users/s | records/s | CPU s | sync CPU ms / call | peak RSS MB | accounts failed | records lost |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.contender} | ${r.runs} | ${f(r.syncS)} | ${f(r.rangeS[0])}–${f(r.rangeS[1])} | ${f(bound)} | ${f(r.syncS / bound)} | ${r.apiCalls} (${minimum}) | ${r.okCalls} | ${r.throttled} | ${Math.round(r.usersPerS)} | ${Math.round(r.recordsPerS)} | ${f(r.cpuS)} | ${f(r.cpuPerCallMs)} | ${r.peakRssMb} | ${r.accountsFailed} | ${r.recordsLost} |`),
  ].join('\n')
  return [
    '## AWS IAM Identity Center',
    '',
    `Machine: ${machine}. Command: \`${command}\`.`,
    '',
    `\`${s.name}\` — ${s.description}. Identity Store speaks AWS JSON 1.1 and pages at most 100 items, so an account needs ⌈U/100⌉ ListUsers + ⌈G/100⌉ ListGroups + G × ⌈members/100⌉ ListGroupMemberships + 1 AssumeRole = ${idcMinimumCalls(s)} calls; the bound is those calls at the sandbox's per-account pace with the burst spent first, plus one call's latency (the client's CPU is not in it here). *Ours* is \`connectors sync\` with the \`@connectors/aws-identity-center\` connector, writing records, users files and its state; *the peer* (\`tools/bench/src/peer-idc.ts\`) is the strongest script the same SDK allows — every account at once, ListUsers beside ListGroups, then ListGroupMemberships four at a time, \`@aws-sdk/client-identitystore\`'s paginators at MaxResults 100, \`retryMode: 'adaptive'\` with 10 attempts, one keep-alive agent — and writes nothing. Each runs against a sandbox of its own; the row is the median run by sync time, with the range. *sync CPU ms / call* is the process's CPU over the sync (report.json's \`cpuMs\`, or the script's \`process.cpuUsage()\`) ÷ its API calls, retries included; *CPU s* is the whole process's, start-up included.`,
    '',
    table,
  ].join('\n')
}
