# Generated from the aws-identity-center connector's manifest by the connectors CLI (connectors setup aws-identity-center). Do not edit: regenerate it.
# The platform's AWS IAM Identity Center connector: a policy of exactly its permissions, and a role only the platform's
# principal may assume, only with your organization id as sts:ExternalId. Use it as a module (see README.md).

terraform {
  required_version = ">= 1.3.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 4.0"
    }
  }
}

locals {
  permission_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ConnectorsReadIdentityCenterUsersAndGroups"
        Effect = "Allow"
        Action = [
          "identitystore:ListUsers",
          "identitystore:ListGroups",
          "identitystore:ListGroupMemberships",
        ]
        Resource = "*"
      },
    ]
  }
  trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ConnectorsAssumeWithExternalId"
        Effect = "Allow"
        Principal = {
          AWS = var.principal_arn
        }
        Action = "sts:AssumeRole"
        Condition = {
          StringEquals = {
            "sts:ExternalId" = var.external_id
          }
        }
      },
    ]
  }
}

resource "aws_iam_policy" "connector" {
  name        = var.policy_name
  description = "What the platform's AWS IAM Identity Center connector may do in this account."
  policy      = jsonencode(local.permission_policy)
}

resource "aws_iam_role" "connector" {
  name               = var.role_name
  description        = "Assumed by the platform's AWS IAM Identity Center connector, only with your organization id as ExternalId."
  assume_role_policy = jsonencode(local.trust_policy)
}

resource "aws_iam_role_policy_attachment" "connector" {
  role       = aws_iam_role.connector.name
  policy_arn = aws_iam_policy.connector.arn
}
