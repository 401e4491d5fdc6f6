/** Redis keys of a run beside its queues, under the deployment's prefix. */

/** Set by the sync when it is interrupted: workers stop the run's units (they apply nothing) and start no more. */
export const interruptedKey = (prefix: string, runId: string) => `${prefix}:run:${runId}:interrupted`

/** The prefix of every key (queues, budgets) unless `CONNECTORS_QUEUE_PREFIX` names another: a sync and its workers must agree. */
export const prefixOf = (env: Readonly<Record<string, string | undefined>>) => env['CONNECTORS_QUEUE_PREFIX'] || 'connectors'
