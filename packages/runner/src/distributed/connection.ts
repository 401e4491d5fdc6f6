/**
 * The Redis connection of a sync or a worker. BullMQ needs commands to wait through a reconnection rather than fail
 * after a few retries (`maxRetriesPerRequest: null`): a Redis that restarts mid-run is waited for, not given up on.
 */
import { Redis } from 'ioredis'

/** How long to wait before reconnecting: grows to 2 s, so a restarted Redis is found again within seconds. */
const retryStrategy = (attempt: number) => Math.min(100 * attempt, 2000)

/** Connects to the Redis at `url` (redis:// or rediss://). */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy, connectionName: 'connectors' })
  // Connection errors are retried by ioredis; each command waiting on them reports its own failure.
  redis.on('error', () => undefined)
  return redis
}
