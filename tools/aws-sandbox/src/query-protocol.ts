/**
 * The AWS Query protocol (IAM, STS): form-encoded `Action` and `Version`, the service from the credential scope,
 * XML answers and `<ErrorResponse>` errors; and the hostile XML bodies of the `hostile` fault.
 */
import { AwsErrors } from './aws-error.js'
import type { Faults } from './faults.js'
import { apiVersions, findOperation } from './operations/index.js'
import { prepare, type Protocol } from './pipeline.js'
import { errorXml, namespaces, successXml, type Service } from './xml.js'

/** A syntactically valid listing of about 50 MB (one absurd user name). */
function hugeXml(service: Service, action: string): string {
  const element = action === 'ListUsers' ? 'Users' : 'Groups'
  const name = action === 'ListUsers' ? 'UserName' : 'GroupName'
  return `<${action}Response xmlns="${namespaces[service]}"><${action}Result><IsTruncated>false</IsTruncated><${element}><member><${name}>${'x'.repeat(50 * 1024 * 1024)}</${name}></member></${element}></${action}Result></${action}Response>`
}

/** The "billion laughs": nested entity definitions that expand exponentially in a parser that expands them. */
function entityBombXml(service: Service, action: string): string {
  const defs = ['<!ENTITY lol0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`)].join('')
  const element = action === 'ListUsers' ? 'Users' : 'Groups'
  const name = action === 'ListUsers' ? 'UserName' : 'GroupName'
  return `<?xml version="1.0"?><!DOCTYPE lolz [${defs}]><${action}Response xmlns="${namespaces[service]}"><${action}Result><IsTruncated>false</IsTruncated><${element}><member><${name}>&lol9;</${name}><UserId>AIDABOMB</UserId><GroupId>AGPABOMB</GroupId></member></${element}></${action}Result></${action}Response>`
}

/** The body IAM's ListUsers / ListGroups send instead under a `hugeResponse` or `entityBomb` fault. */
function hostileXml(service: Service, action: string, faults: Faults): string | undefined {
  if (action !== 'ListUsers' && action !== 'ListGroups') return undefined
  if (faults.hostile === 'hugeResponse') return hugeXml(service, action)
  if (faults.hostile === 'entityBomb') return entityBombXml(service, action)
  return undefined
}

/** The Query protocol for a request whose credential scope names `scopeService` (IAM's until it is known). */
export function queryProtocol(scopeService?: string): Protocol {
  const service: Service = scopeService === 'sts' ? 'sts' : 'iam'
  return {
    contentType: 'text/xml',
    failure: (error, requestId) => ({ status: error.status, body: errorXml(service, error, requestId), outcome: error.code }),
    route: (scopeService, body, url, base) => {
      if (scopeService !== 'iam' && scopeService !== 'sts') return { error: AwsErrors.invalidAction(`Unknown service in the credential scope: ${scopeService}`) }
      const params = new URLSearchParams(body)
      for (const [k, v] of url.searchParams) if (!params.has(k)) params.set(k, v)
      const action = params.get('Action')
      if (action === null) return { error: AwsErrors.missingAction() }
      const op = findOperation(service, action)
      const version = params.get('Version')
      if (op === undefined || version !== apiVersions[service]) {
        return { error: AwsErrors.invalidAction(`Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`), name: action }
      }
      return prepare(op, { ...base, params }, {
        name: action,
        ...(action === 'AssumeRole' ? { note: params.has('ExternalId') ? 'assumeRoleWithExternalId' : 'assumeRoleWithoutExternalId' } : {}),
        success: (result, requestId) => successXml(service, action, result, requestId),
        hostile: (faults) => hostileXml(service, action, faults),
      })
    },
  }
}
