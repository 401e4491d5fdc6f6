/**
 * Single SDK calls as tasks: a connection check's probe, a single read. (Listings go through `sdkPages`, which also
 * renews an expired session.)
 */
import type { ConnectorError } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import type { AwsSession } from './session.js'

/** One SDK call as a task, what it throws translated for `operation`. */
export function sdkCall<A>(session: Pick<AwsSession, 'translate'>, operation: string, call: () => Promise<A>): TE.TaskEither<ConnectorError, A> {
  return async () => {
    try {
      return E.right(await call())
    } catch (thrown) {
      return E.left(session.translate(thrown, operation))
    }
  }
}

/**
 * A probe answered "not found" proves its permission: AWS authorizes a call before it looks the entity up, so a
 * probe on a name or id no customer has costs one call whatever the account holds.
 */
export function allowedIfNotFound<A>(probe: TE.TaskEither<ConnectorError, A>): TE.TaskEither<ConnectorError, A | undefined> {
  return TE.orElse((error: ConnectorError): TE.TaskEither<ConnectorError, A | undefined> => (error.reason === 'NotFound' ? TE.right(undefined) : TE.left(error)))(probe)
}
