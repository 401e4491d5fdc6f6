import type { UserEntity } from '../state.js'
import { pathListing } from './path-listing.js'

/** The fields ListUsers returns for a user (no tags, no status), in IAM's order. */
export function userXml(u: UserEntity) {
  return { Path: u.Path, UserName: u.UserName, UserId: u.UserId, Arn: u.Arn, CreateDate: u.CreateDate, PasswordLastUsed: u.PasswordLastUsed }
}

/** `iam:ListUsers` — PathPrefix, Marker, MaxItems. */
export const listUsers = pathListing({ action: 'ListUsers', element: 'Users', arnKind: 'user', items: (a) => a.users, toXml: userXml })
