#!/usr/bin/env bash
# Generated from the aws-identity-center connector's manifest by the connectors CLI (connectors setup aws-identity-center). Do not edit: regenerate it.
#
# Connects this AWS account to the platform's AWS IAM Identity Center connector: creates the policy ConnectorsReadIdentityCenterUsersAndGroups
# (exactly identitystore:ListUsers, identitystore:ListGroups, identitystore:ListGroupMemberships) and the role ConnectorsIdentityCenterReadOnly, which only the platform's principal may
# assume, and only with your organization id as sts:ExternalId; attaches the policy to the role; prints the role ARN.
#
# Run it where the AWS CLI v2 is signed in to the account to connect (AWS CloudShell is):  bash setup.sh
# Running it again is safe: it reuses the policy and the role, and brings them up to date.
# Messages go to standard error; standard output is the role ARN alone: ROLE_ARN="$(bash setup.sh)".
# Optional overrides: ORGANIZATION_ID, PRINCIPAL_ARN, ROLE_NAME, POLICY_NAME.
set -euo pipefail
set -f  # no globbing: a policy's actions (iam:*) are split into words below, never matched against files
export AWS_PAGER=""

ORGANIZATION_ID="${ORGANIZATION_ID:-YOUR_ORGANIZATION_ID}"
PRINCIPAL_ARN="${PRINCIPAL_ARN:-arn:aws:iam::PLATFORM_ACCOUNT_ID:role/connectors-delegator}"
ROLE_NAME="${ROLE_NAME:-ConnectorsIdentityCenterReadOnly}"
POLICY_NAME="${POLICY_NAME:-ConnectorsReadIdentityCenterUsersAndGroups}"
REQUIRED_ACTIONS='identitystore:ListUsers identitystore:ListGroups identitystore:ListGroupMemberships'
OPTIONAL_ACTIONS='sso:ListInstances'

say() { printf '%s\n' "$*" >&2; }
fail() { say "setup.sh: $*"; exit 1; }

[[ "$ORGANIZATION_ID" != 'YOUR_ORGANIZATION_ID' ]] || fail "set ORGANIZATION_ID to your organization id in the platform: ORGANIZATION_ID=... bash setup.sh"
[[ "$PRINCIPAL_ARN" != 'arn:aws:iam::PLATFORM_ACCOUNT_ID:role/connectors-delegator' ]] || fail "set PRINCIPAL_ARN to the platform's role ARN (the platform shows it): PRINCIPAL_ARN=... bash setup.sh"
external_id_pattern='^[A-Za-z0-9_+=,.@:/-]+$'
if [[ ! "$ORGANIZATION_ID" =~ $external_id_pattern ]] || (( ${#ORGANIZATION_ID} < 2 || ${#ORGANIZATION_ID} > 1224 )); then
  fail "ORGANIZATION_ID must be your organization id in the platform: 2-1224 characters from A-Z a-z 0-9 _ + = , . @ : / -"
fi
principal_pattern='^arn:(aws|aws-cn|aws-us-gov):iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]+$'
[[ "$PRINCIPAL_ARN" =~ $principal_pattern ]] || fail "PRINCIPAL_ARN must be the platform's role ARN, like arn:aws:iam::123456789012:role/name"
partition="${BASH_REMATCH[1]}"
[[ "$ROLE_NAME" =~ ^[A-Za-z0-9_+=,.@-]{1,64}$ ]] || fail "ROLE_NAME must be 1-64 characters from A-Z a-z 0-9 _ + = , . @ -"
[[ "$POLICY_NAME" =~ ^[A-Za-z0-9_+=,.@-]{1,128}$ ]] || fail "POLICY_NAME must be 1-128 characters from A-Z a-z 0-9 _ + = , . @ -"

caller_arn="$(aws sts get-caller-identity --query Arn --output text)" || fail "the AWS CLI is not signed in: run 'aws configure' or 'aws sso login' first, or use AWS CloudShell"
IFS=: read -r _ caller_partition _ _ account_id _ <<<"$caller_arn"
[[ "$caller_partition" == "$partition" ]] || fail "this account is in the $caller_partition partition and the platform's principal in $partition: IAM cannot trust a principal of another partition"
policy_arn="arn:${partition}:iam::${account_id}:policy/${POLICY_NAME}"
say "Account $account_id: connecting it to the platform's AWS IAM Identity Center connector."

permission_policy="$(cat <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ConnectorsReadIdentityCenterUsersAndGroups",
      "Effect": "Allow",
      "Action": [
        "identitystore:ListUsers",
        "identitystore:ListGroups",
        "identitystore:ListGroupMemberships"
      ],
      "Resource": "*"
    }
  ]
}
JSON
)"
trust_policy="$(cat <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ConnectorsAssumeWithExternalId",
      "Effect": "Allow",
      "Principal": {
        "AWS": "${PRINCIPAL_ARN}"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "${ORGANIZATION_ID}"
        }
      }
    }
  ]
}
JSON
)"

if default_version="$(aws iam get-policy --policy-arn "$policy_arn" --query Policy.DefaultVersionId --output text 2>/dev/null)"; then
  actions="$(aws iam get-policy-version --policy-arn "$policy_arn" --version-id "$default_version" --query 'PolicyVersion.Document.Statement[].Action[]' --output text)"
  actions=" ${actions//$'\t'/ } "
  # Reusable: every required action, and no other action but the optional ones (added for a feature you enabled).
  reusable=true
  for action in $REQUIRED_ACTIONS; do [[ "$actions" == *" $action "* ]] || reusable=false; done
  for action in $actions; do [[ " $REQUIRED_ACTIONS $OPTIONAL_ACTIONS " == *" $action "* ]] || reusable=false; done
  if [[ "$reusable" == true ]]; then
    say "Policy $POLICY_NAME exists and allows the connector's actions, and no others: reusing it."
  else
    say "Policy $POLICY_NAME exists with other actions: making this kit's document its default version."
    aws iam create-policy-version --policy-arn "$policy_arn" --policy-document "$permission_policy" --set-as-default >/dev/null
  fi
else
  say "Creating policy $POLICY_NAME."
  aws iam create-policy --policy-name "$POLICY_NAME" --description 'What the platform'\''s AWS IAM Identity Center connector may do in this account.' --policy-document "$permission_policy" >/dev/null
fi

if aws iam get-role --role-name "$ROLE_NAME" >/dev/null 2>&1; then
  say "Role $ROLE_NAME exists: reusing it, with its trust policy set to this kit's."
  aws iam update-assume-role-policy --role-name "$ROLE_NAME" --policy-document "$trust_policy"
else
  say "Creating role $ROLE_NAME."
  aws iam create-role --role-name "$ROLE_NAME" --description 'Assumed by the platform'\''s AWS IAM Identity Center connector, only with your organization id as ExternalId.' --assume-role-policy-document "$trust_policy" >/dev/null
fi

aws iam attach-role-policy --role-name "$ROLE_NAME" --policy-arn "$policy_arn"
role_arn="$(aws iam get-role --role-name "$ROLE_NAME" --query Role.Arn --output text)"
say "Done. Paste this role ARN into the platform (IAM may take a few seconds before the platform can assume a new role):"
printf '%s\n' "$role_arn"
