# Generated from the aws-identity-center connector's manifest by the connectors CLI (connectors setup aws-identity-center). Do not edit: regenerate it.

variable "principal_arn" {
  description = "The platform's role: the only principal the role trusts."
  type        = string

  validation {
    condition     = can(regex("^arn:(aws|aws-cn|aws-us-gov):iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]+$", var.principal_arn))
    error_message = "principal_arn must be the platform's role ARN, like arn:aws:iam::123456789012:role/name."
  }
}

variable "external_id" {
  description = "Your organization id in the platform: the role trusts the platform only when it presents it as sts:ExternalId."
  type        = string

  validation {
    condition     = length(var.external_id) >= 2 && length(var.external_id) <= 1224 && can(regex("^[A-Za-z0-9_+=,.@:/-]+$", var.external_id))
    error_message = "external_id must be your organization id in the platform: 2-1224 characters from A-Z a-z 0-9 _ + = , . @ : / -."
  }
}

variable "role_name" {
  description = "The name of the role to create."
  type        = string
  default     = "ConnectorsIdentityCenterReadOnly"

  validation {
    condition     = can(regex("^[A-Za-z0-9_+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters from A-Z a-z 0-9 _ + = , . @ -."
  }
}

variable "policy_name" {
  description = "The name of the policy to create."
  type        = string
  default     = "ConnectorsReadIdentityCenterUsersAndGroups"

  validation {
    condition     = can(regex("^[A-Za-z0-9_+=,.@-]{1,128}$", var.policy_name))
    error_message = "policy_name must be 1-128 characters from A-Z a-z 0-9 _ + = , . @ -."
  }
}
