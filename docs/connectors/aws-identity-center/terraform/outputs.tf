# Generated from the aws-identity-center connector's manifest by the connectors CLI (connectors setup aws-identity-center). Do not edit: regenerate it.

output "role_arn" {
  description = "Paste this role ARN into the platform."
  value       = aws_iam_role.connector.arn
}
