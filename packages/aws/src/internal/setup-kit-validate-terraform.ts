/**
 * Test-only: the Terraform module parsed by HashiCorp's HCL2 parser (`@cdktf/hcl2json`) and checked, and the script
 * by `bash -n` (part of the validators `setup-kit-validate.ts` describes). It imports devDependencies, so nothing
 * outside `*.spec.ts` may import it.
 */
import { parse as parseHcl } from '@cdktf/hcl2json'
import { spawnSync } from 'node:child_process'

// ---------------------------------------------------------------------------------------------- Terraform

/** The attributes of the AWS provider's resources the module uses, from the provider's documentation. */
const TERRAFORM_ATTRIBUTES: Readonly<Record<string, ReadonlyArray<string>>> = {
  aws_iam_policy: ['name', 'name_prefix', 'path', 'description', 'policy', 'tags'],
  aws_iam_role: ['name', 'name_prefix', 'path', 'description', 'assume_role_policy', 'max_session_duration', 'permissions_boundary', 'force_detach_policies', 'tags'],
  aws_iam_role_policy_attachment: ['role', 'policy_arn'],
}
const TERRAFORM_EXPORTED: Readonly<Record<string, ReadonlyArray<string>>> = {
  aws_iam_policy: ['arn', 'id', 'name', 'policy_id'],
  aws_iam_role: ['arn', 'id', 'name', 'unique_id', 'create_date'],
  aws_iam_role_policy_attachment: ['id'],
}

/** A module as `hcl2json` reads it: blocks by type, each a list (HCL allows one name in several files). */
export interface TerraformModule {
  readonly terraform?: ReadonlyArray<Record<string, unknown>>
  readonly variable?: Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>>
  readonly locals?: ReadonlyArray<Record<string, unknown>>
  readonly resource?: Readonly<Record<string, Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>>>>
  readonly output?: Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>>
}

/** Parses each file with the HCL2 parser (a syntax error rejects, naming the file, line and column) and merges them. */
export async function parseTerraform(files: ReadonlyArray<{ readonly file: string; readonly content: string }>): Promise<TerraformModule> {
  const parsed = await Promise.all(files.map((f) => parseHcl(f.file, f.content) as Promise<Record<string, unknown>>))
  const merged: Record<string, unknown> = {}
  for (const p of parsed) {
    for (const [kind, blocks] of Object.entries(p)) {
      merged[kind] = Array.isArray(blocks) ? [...((merged[kind] as unknown[]) ?? []), ...blocks] : { ...(merged[kind] as object), ...(blocks as object) }
    }
  }
  return merged as TerraformModule
}

/** Every reference (`var.x`, `local.x`, `aws_iam_role.name.attr`) in a value's `${…}` expressions. */
const referencesIn = (v: unknown): string[] => [...JSON.stringify(v).matchAll(/\b(var|local|aws_[a-z_]+)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_]\w*))?/g)].map((m) => m[0])

/** Every structural problem of the module: unknown resource attributes, references to nothing, missing parts. */
export function terraformProblems(module: TerraformModule): string[] {
  const problems: string[] = []
  const variables = Object.keys(module.variable ?? {})
  const locals = Object.assign({}, ...(module.locals ?? [])) as Record<string, unknown>
  const resources = module.resource ?? {}
  for (const name of ['principal_arn', 'external_id']) if (!variables.includes(name)) problems.push(`variable "${name}": missing`)
  for (const [name, [v]] of Object.entries(module.variable ?? {}) as Array<[string, Array<Record<string, unknown>>]>) {
    if (v?.['type'] !== '${string}') problems.push(`variable "${name}": type must be string`)
  }
  for (const [type, byName] of Object.entries(resources)) {
    const known = TERRAFORM_ATTRIBUTES[type]
    if (known === undefined) {
      problems.push(`resource "${type}": not a resource type this module may use`)
      continue
    }
    for (const [name, [body]] of Object.entries(byName) as Array<[string, Array<Record<string, unknown>>]>) {
      for (const attribute of Object.keys(body ?? {})) if (!known.includes(attribute)) problems.push(`resource "${type}" "${name}": ${attribute} is not an argument of ${type}`)
    }
  }
  for (const reference of referencesIn([module.locals, module.resource, module.output])) {
    const [head, name, attribute] = reference.split('.') as [string, string, string | undefined]
    if (head === 'var' && !variables.includes(name)) problems.push(`${reference}: no such variable`)
    else if (head === 'local' && !(name in locals)) problems.push(`${reference}: no such local`)
    else if (head.startsWith('aws_')) {
      if (resources[head]?.[name] === undefined) problems.push(`${reference}: no such resource`)
      else if (attribute !== undefined && !(TERRAFORM_EXPORTED[head] ?? []).includes(attribute)) problems.push(`${reference}: ${head} exports no ${attribute}`)
    }
  }
  if (module.output?.['role_arn'] === undefined) problems.push('output "role_arn": missing')
  return problems
}

/** Replaces `${var.name}` in a parsed value with the variables' values (as Terraform would when applying). */
export function withVariables(v: unknown, values: Readonly<Record<string, string>>): unknown {
  return JSON.parse(JSON.stringify(v).replace(/\$\{var\.(\w+)\}/g, (whole, name: string) => values[name] ?? whole))
}

// ---------------------------------------------------------------------------------------------- bash

/** `bash -n`: the script's syntax errors, or an empty string. */
export function bashSyntaxErrors(script: string): string {
  const run = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' })
  return run.status === 0 ? '' : run.stderr || `bash -n exited ${String(run.status)}`
}
