# Generated from the aws-iam connector's manifest by the connectors CLI (connectors setup aws-iam). Do not edit: regenerate it.

output "role_arn" {
  description = "Paste this role ARN into the platform."
  value       = aws_iam_role.connector.arn
}
