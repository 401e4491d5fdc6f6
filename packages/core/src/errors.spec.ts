import { describe, expect, it } from 'vitest'
import { ConnectorError, errorMessage, errorReasons, errorToJson, isConnectorError, matchError } from './errors.js'

const scope = { connector: 'aws-iam', account: '123456789012', operation: 'iam:GetGroup' }

describe('ConnectorError', () => {
  it('only Throttled and Transient are retryable by default', () => {
    const all = [
      ConnectorError.invalidConfig({ ...scope, detail: 'x', issues: [] }),
      ConnectorError.authFailed({ ...scope, detail: 'x' }),
      ConnectorError.accessDenied({ ...scope, detail: 'x' }),
      ConnectorError.throttled({ ...scope, detail: 'x' }),
      ConnectorError.transient({ ...scope, detail: 'x' }),
      ConnectorError.notFound({ ...scope, detail: 'x' }),
      ConnectorError.upstream({ ...scope, detail: 'x' }),
      ConnectorError.internal({ ...scope, detail: 'x' }),
    ]
    expect(all.map((e) => e.reason)).toEqual(errorReasons)
    expect(all.filter((e) => e.retryable).map((e) => e.reason)).toEqual(['Throttled', 'Transient'])
    expect(all.every(isConnectorError)).toBe(true)
  })

  it('lets a constructor override retryable', () => {
    expect(ConnectorError.upstream({ ...scope, detail: 'truncated body', retryable: true }).retryable).toBe(true)
  })

  it('computes its message from the fields', () => {
    const e = ConnectorError.accessDenied({ ...scope, detail: 'the role may not call it', permission: 'iam:GetGroup', fix: "add iam:GetGroup to the role's policy" })
    expect(errorMessage(e)).toBe(
      "[aws-iam/123456789012] iam:GetGroup: AccessDenied — the role may not call it (missing iam:GetGroup). Fix: add iam:GetGroup to the role's policy",
    )
    expect(errorToJson(e)).toMatchObject({ reason: 'AccessDenied', permission: 'iam:GetGroup', message: errorMessage(e) })
    expect(errorToJson(e)).not.toHaveProperty('_tag')
  })

  it('matches exhaustively on the reason', () => {
    const describeIt = matchError({
      InvalidConfig: (e) => `config ${e.issues.length}`,
      AuthFailed: () => 'auth',
      AccessDenied: (e) => `denied ${e.permission ?? '?'}`,
      Throttled: (e) => `slow ${e.retryAfterMs ?? 0}`,
      Transient: () => 'again',
      NotFound: () => 'gone',
      Upstream: () => 'broken',
      Internal: () => 'bug',
    })
    expect(describeIt(ConnectorError.throttled({ ...scope, detail: 'Rate exceeded', retryAfterMs: 5 }))).toBe('slow 5')
    expect(describeIt(ConnectorError.accessDenied({ ...scope, detail: 'd', permission: 'iam:ListUsers' }))).toBe('denied iam:ListUsers')
  })

  it('recognizes only tagged errors with a known reason', () => {
    expect(isConnectorError(new Error('x'))).toBe(false)
    expect(isConnectorError({ _tag: 'ConnectorError', reason: 'Bogus' })).toBe(false)
    expect(isConnectorError(null)).toBe(false)
  })
})
