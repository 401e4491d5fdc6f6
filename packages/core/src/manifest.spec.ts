import { describe, expect, it } from 'vitest'
import { optionalPermissions, permissionsFor, requiredPermissions, type Manifest } from './manifest.js'

const manifest: Manifest = {
  contractVersion: 1,
  authOperation: 'auth',
  userFields: [],
  licenseTypes: ['Seat'],
  entities: ['users', 'groups'],
  fetchers: [
    {
      entity: 'users',
      permissions: ['users.list'],
      description: 'users',
      optionalPermissions: [
        { permission: 'users.tags', feature: 'tags', description: 'emails from tags' },
        { permission: 'stores.find', feature: 'discovery', description: 'finds the store the listings name', prerequisite: true },
      ],
    },
    { entity: 'groups', permissions: ['groups.list', 'users.list'], description: 'groups' },
  ],
}

describe('permissionsFor', () => {
  it('lists each required permission once, in declaration order, and no optional one without its feature', () => {
    expect(requiredPermissions(manifest)).toEqual(['users.list', 'groups.list'])
    expect(permissionsFor(manifest)).toEqual(['users.list', 'groups.list'])
    expect(optionalPermissions(manifest).map((p) => p.feature)).toEqual(['tags', 'discovery'])
  })

  it('puts an enabled prerequisite first (the check probes it before what needs it), other optional ones last', () => {
    expect(permissionsFor(manifest, ['tags'])).toEqual(['users.list', 'groups.list', 'users.tags'])
    expect(permissionsFor(manifest, ['discovery', 'tags'])).toEqual(['stores.find', 'users.list', 'groups.list', 'users.tags'])
  })
})
