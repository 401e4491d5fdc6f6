/**
 * The "Connect" button: decode the config, assume the role, then one cheap call per declared action
 * (MaxItems=1). The report names the first failing step and its fix.
 */
import { GetGroupCommand, ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-iam'
import { checkAfterConfig, type CheckReport, type ConnectorError, type RunContext } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import { CONNECTOR_ID, type AwsIamDeps, type AwsIamSession, authenticate } from './auth.js'
import { AwsIamConfig, parseRoleArn } from './config.js'

/** A group name no customer has: GetGroup on it answers NoSuchEntity when allowed, AccessDenied when not. */
const PROBE_GROUP = 'connectors-permission-probe'

export function checkConnection(deps: AwsIamDeps) {
  return (raw: unknown, ctx: RunContext): T.Task<CheckReport> =>
    checkAfterConfig(AwsIamConfig, CONNECTOR_ID, (config) => {
      let session: AwsIamSession | undefined
      let firstGroup: string | undefined
      const call = (operation: string, f: (s: AwsIamSession) => Promise<unknown>): TE.TaskEither<ConnectorError, unknown> => async () => {
        const s = session as AwsIamSession
        try {
          return E.right(await f(s))
        } catch (thrown) {
          const error = s.translate(thrown, operation)
          return operation === 'iam:GetGroup' && error.reason === 'NotFound' ? E.right(undefined) : E.left(error)
        }
      }
      return {
        account: parseRoleArn(config.roleArn).accountId,
        steps: [
          {
            step: 'sts:AssumeRole',
            run: TE.map((s: AwsIamSession) => {
              session = s
            })(authenticate(deps)(config, ctx)),
          },
          { step: 'iam:ListUsers', run: call('iam:ListUsers', (s) => s.iam().send(new ListUsersCommand({ MaxItems: 1 }))) },
          {
            step: 'iam:ListGroups',
            run: call('iam:ListGroups', async (s) => {
              firstGroup = (await s.iam().send(new ListGroupsCommand({ MaxItems: 1 }))).Groups?.[0]?.GroupName
            }),
          },
          { step: 'iam:GetGroup', run: call('iam:GetGroup', (s) => s.iam().send(new GetGroupCommand({ GroupName: firstGroup ?? PROBE_GROUP, MaxItems: 1 }))) },
        ],
      }
    })(raw)
}
