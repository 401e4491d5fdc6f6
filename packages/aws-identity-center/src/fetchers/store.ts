/**
 * Identity Store listings: every call names the store, so the store id is resolved first (the config's, or the one
 * discovery found) and a failure to find it ends the listing with that failure.
 */
import { sdkPages, type TokenPage } from '@connectors/aws'
import type { ConnectorError, Stream } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import type { AwsIdentityCenterSession } from '../auth.js'
import { NEXT_TOKEN } from './pages.js'

/** A store the service does not know is a config mistake: say which two fields decide it. */
function storeFix(error: ConnectorError, storeId: string, session: AwsIdentityCenterSession): ConnectorError {
  if (error.reason !== 'NotFound') return error
  return { ...error, fix: `check identityStoreId (${storeId}) and region (${session.region}): IAM Identity Center → Settings shows both for the instance of account ${session.accountId}` }
}

/** Runs `call` on the session's Identity Store. */
export function onStore<A>(session: AwsIdentityCenterSession, call: (storeId: string) => TE.TaskEither<ConnectorError, A>): TE.TaskEither<ConnectorError, A> {
  return TE.chain((storeId: string) => TE.mapLeft((error: ConnectorError) => storeFix(error, storeId, session))(call(storeId)))(session.identityStoreId)
}

/** The pages of one listing of the session's Identity Store, following `NextToken`. */
export async function* storePages<P extends TokenPage<'NextToken'>>(
  session: AwsIdentityCenterSession,
  operation: string,
  paginate: (storeId: string, startingToken: string | undefined) => AsyncIterable<P>,
): Stream<P> {
  const storeId = await session.identityStoreId()
  if (E.isLeft(storeId)) return yield storeId
  for await (const page of sdkPages(session, operation, (token) => paginate(storeId.right, token), NEXT_TOKEN)) {
    yield E.mapLeft((error: ConnectorError) => storeFix(error, storeId.right, session))(page)
    if (E.isLeft(page)) return
  }
}
