/** The mappers, pure: Identity Store records in, canonical records out, every one fitting the canonical codecs. */
import { Group, groupsByUserId, Membership, User } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { AWS_IDENTITY_CENTER_LICENSE } from './manifest.js'
import { mapGroup, mapMembership } from './mappers/group.js'
import { mapUser, primaryEmail } from './mappers/user.js'

const STORE = 'd-1234567890'
const JANE = '11111111-2222-4333-8444-555555555555'

describe('mapUser', () => {
  it('maps the names, the primary email, the status verbatim and the roles from the memberships', () => {
    const user = mapUser(
      {
        IdentityStoreId: STORE,
        UserId: JANE,
        UserName: 'jane',
        DisplayName: 'Jane Doe',
        Name: { GivenName: 'Jane', FamilyName: 'Doe', Formatted: 'Jane Doe' },
        Emails: [{ Value: 'jane@home.example', Type: 'home' }, { Value: 'jane@acme.example', Type: 'work', Primary: true }],
        UserStatus: 'DISABLED',
        CreatedAt: new Date('2024-01-02T03:04:05Z'),
      },
      { accountId: '123456789012', groupsByUserId: groupsByUserId([{ userId: JANE, groupName: 'Admins' }]) },
    )
    expect(user).toEqual({
      accountId: '123456789012',
      id: JANE,
      username: 'jane',
      status: 'active',
      licenses: [AWS_IDENTITY_CENTER_LICENSE],
      createdAt: '2024-01-02T03:04:05.000Z',
      roles: ['Admins'],
      email: 'jane@acme.example',
      firstName: 'Jane',
      lastName: 'Doe',
      displayName: 'Jane Doe',
      externalStatus: 'DISABLED',
    })
    expect(E.isRight(User.decode(user))).toBe(true)
  })

  it('leaves out what Identity Center does not say (no made-up creation date), and the roles when the memberships are unknown', () => {
    const user = mapUser({ IdentityStoreId: STORE, UserId: JANE, UserName: 'bob', Name: { GivenName: ' ' } }, { accountId: '1', groupsByUserId: undefined })
    expect(user).toEqual({ accountId: '1', id: JANE, username: 'bob', status: 'active', licenses: [AWS_IDENTITY_CENTER_LICENSE] })
    expect(mapUser({ IdentityStoreId: STORE, UserId: JANE, UserName: 'bob' }, { accountId: '1', groupsByUserId: new Map() }).roles).toEqual([])
    expect(E.isRight(User.decode(user))).toBe(true)
  })
})

describe('primaryEmail', () => {
  it('takes the primary address, else the first listed, skipping empty ones', () => {
    expect(primaryEmail([{ Value: 'a@x.example' }, { Value: 'b@x.example', Primary: true }])).toBe('b@x.example')
    expect(primaryEmail([{ Value: ' ' }, { Value: 'c@x.example', Primary: false }])).toBe('c@x.example')
    expect(primaryEmail([{ Type: 'work', Primary: true }])).toBeUndefined()
    expect(primaryEmail(undefined)).toBeUndefined()
  })
})

describe('mapGroup and mapMembership', () => {
  it('name a group by its DisplayName, and a membership by the member id alone', () => {
    const group = mapGroup({ IdentityStoreId: STORE, GroupId: 'g-1', DisplayName: 'Admins', CreatedAt: new Date('2023-01-01T00:00:00Z') }, '123456789012')
    expect(group).toEqual({ accountId: '123456789012', id: 'g-1', name: 'Admins', createdAt: '2023-01-01T00:00:00.000Z' })
    const membership = mapMembership(group, { IdentityStoreId: STORE, MembershipId: 'm-1', GroupId: 'g-1', MemberId: { UserId: JANE } })
    expect(membership).toEqual({ accountId: '123456789012', groupId: 'g-1', groupName: 'Admins', userId: JANE })
    expect(E.isRight(Group.decode(group)) && E.isRight(Membership.decode(membership))).toBe(true)
  })

  it('skips a member that is not a user', () => {
    const group = mapGroup({ IdentityStoreId: STORE, GroupId: 'g-1', DisplayName: 'Admins' }, '1')
    expect(mapMembership(group, { IdentityStoreId: STORE, MembershipId: 'm-1', GroupId: 'g-1', MemberId: { $unknown: ['GroupId', 'g-2'] } as never })).toBeUndefined()
  })
})
