/**
 * Test-only: the validators the setup kit's specs run its documents through. It imports devDependencies, so
 * nothing outside `*.spec.ts` may import it.
 *
 * - CloudFormation: the templates are parsed by `yaml` (the intrinsic functions' short forms, `!Ref`…, read from
 *   its syntax tree into their long forms) and checked against `@aws-cdk/aws-service-spec`, the AWS resource
 *   specification as the AWS CDK itself builds and publishes it, as data (it is released as the CloudFormation
 *   registry schemas change). Chosen over `cfn-lint` on npm (a JS port abandoned since 2019 with a spec of that
 *   age and `core-js@2`), `@aws-cdk/cfnspec` (frozen at 2.72 in 2023, when the CDK moved to this package) and
 *   `cloudformation-js-yaml-schema` (only the YAML tags, for `js-yaml@3`); the real `cfn-lint` needs Python.
 *   Checked: the template's sections, parameters (types, keys, defaults against their own AllowedPattern and
 *   lengths), every resource's type, property names (at every depth), required properties, primitive types and
 *   allowed values, `Ref`/`GetAtt`/`Sub` targets and attribute names, outputs; a StackSet's TemplateBody as a
 *   template of its own.
 * - IAM policies: an io-ts codec of IAM's policy grammar (`iamPolicyProblems`); what only the kit promises — the
 *   trust policy trusts one principal, only with the ExternalId; the permission policy allows exactly the
 *   permissions — is `trustPolicyProblems` / `permissionPolicyProblems`. No maintained, permissively licensed
 *   validator of the grammar is on npm.
 * - Terraform: `@cdktf/hcl2json`, HashiCorp's HCL2 parser compiled to WebAssembly and shipped inside the package
 *   (no download, no native code), parses the module; its structure and references are checked here. The AWS
 *   provider's schema is not on npm: the attributes used are checked against a list taken from its documentation.
 * - The script: `bash -n`.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec'
import { parse as parseHcl } from '@cdktf/hcl2json'
import { formatValidationErrors, patternString, strictObject } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { spawnSync } from 'node:child_process'
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml'

// ---------------------------------------------------------------------------------------------- CloudFormation

/** A property type of the spec, as far as this validator reads it. */
type SpecType =
  | { readonly type: 'string'; readonly allowedValues?: ReadonlyArray<string> }
  | { readonly type: 'integer'; readonly allowedValues?: ReadonlyArray<number> }
  | { readonly type: 'number' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { readonly type: 'ref'; readonly reference: { readonly $ref: string } }
  | { readonly type: 'array' | 'map'; readonly element: SpecType }
  | { readonly type: 'union'; readonly types: ReadonlyArray<SpecType> }
type SpecProperties = Readonly<Record<string, { readonly required?: boolean; readonly type: SpecType }>>

/** The resource specification, as the validator reads it. */
export interface CloudFormationSpec {
  readonly resource: (type: string) => { readonly properties: SpecProperties; readonly attributes: Readonly<Record<string, unknown>> } | undefined
  readonly definition: (id: string) => { readonly name: string; readonly properties: SpecProperties }
}

/** Loads the spec (about half a second, once per spec file). */
export async function loadCloudFormationSpec(): Promise<CloudFormationSpec> {
  const db = await loadAwsServiceSpec()
  return {
    resource: (type) => db.lookup('resource', 'cloudFormationType', 'equals', type)[0] as ReturnType<CloudFormationSpec['resource']>,
    definition: (id) => db.get('typeDefinition', id) as unknown as ReturnType<CloudFormationSpec['definition']>,
  }
}

const SHORT_FORMS = new Set(['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length'])

/** A CloudFormation YAML template as data: short-form intrinsics (`!Ref X`) become their long forms (`{Ref: X}`). */
export function parseCloudFormationYaml(text: string): { readonly template: unknown; readonly problems: ReadonlyArray<string> } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false })
  const problems: string[] = doc.errors.map((e) => `yaml: ${e.message}`)
  const read = (node: unknown): unknown => {
    const value = isMap(node)
      ? Object.fromEntries(node.items.map((pair) => [String(isScalar(pair.key) ? pair.key.value : pair.key), read(pair.value)]))
      : isSeq(node)
        ? node.items.map(read)
        : isScalar(node)
          ? node.value
          : node
    const tag = (node as YamlNode | null)?.tag
    if (tag === undefined || !tag.startsWith('!')) return value
    const name = tag.slice(1)
    if (name === 'Ref' || name === 'Condition') return { [name]: value }
    if (!SHORT_FORMS.has(name)) problems.push(`yaml: unknown tag ${tag}`)
    if (name === 'GetAtt' && typeof value === 'string') return { 'Fn::GetAtt': [value.slice(0, value.indexOf('.')), value.slice(value.indexOf('.') + 1)] }
    return { [`Fn::${name}`]: value }
  }
  return { template: read(doc.contents), problems }
}

const SECTIONS = ['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs']
const PARAMETER_KEYS = ['Type', 'Default', 'Description', 'AllowedPattern', 'AllowedValues', 'MinLength', 'MaxLength', 'MinValue', 'MaxValue', 'ConstraintDescription', 'NoEcho']
const PARAMETER_TYPES = ['String', 'Number', 'List<Number>', 'CommaDelimitedList']
const RESOURCE_KEYS = ['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'CreationPolicy', 'UpdatePolicy']
const OUTPUT_KEYS = ['Description', 'Value', 'Export', 'Condition']
const PSEUDO_PARAMETERS = ['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']
const LOGICAL_ID = /^[A-Za-z0-9]+$/

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)
const intrinsicOf = (u: unknown): [string, unknown] | undefined => {
  if (!isRecord(u)) return undefined
  const keys = Object.keys(u)
  const [key] = keys
  return keys.length === 1 && key !== undefined && (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')) ? [key, u[key]] : undefined
}

/**
 * Every way `template` breaks the CloudFormation grammar or the resource specification, one line each with its
 * path (empty when it has none). A StackSet's `TemplateBody` is validated as a template too.
 */
export function cloudFormationProblems(template: unknown, spec: CloudFormationSpec): string[] {
  const problems: string[] = []
  const at = (path: string, message: string): void => void problems.push(`${path}: ${message}`)
  if (!isRecord(template)) return ['(root): a template is a mapping']
  for (const key of Object.keys(template)) if (!SECTIONS.includes(key)) at(key, `not a template section (${SECTIONS.join(', ')})`)
  if (template['AWSTemplateFormatVersion'] !== undefined && template['AWSTemplateFormatVersion'] !== '2010-09-09') at('AWSTemplateFormatVersion', 'must be "2010-09-09"')
  if (typeof template['Description'] === 'string' && Buffer.byteLength(template['Description']) > 1024) at('Description', 'longer than 1024 bytes')
  const parameters = isRecord(template['Parameters']) ? template['Parameters'] : {}
  const resources = isRecord(template['Resources']) ? template['Resources'] : {}
  if (Object.keys(resources).length === 0) at('Resources', 'required, with at least one resource')

  for (const [name, p] of Object.entries(parameters)) {
    const path = `Parameters.${name}`
    if (!LOGICAL_ID.test(name)) at(path, 'a logical id is alphanumeric')
    if (!isRecord(p)) {
      at(path, 'a parameter is a mapping')
      continue
    }
    for (const key of Object.keys(p)) if (!PARAMETER_KEYS.includes(key)) at(`${path}.${key}`, 'not a parameter property')
    const type = p['Type']
    if (typeof type !== 'string' || !(PARAMETER_TYPES.includes(type) || type.startsWith('AWS::') || type.startsWith('List<AWS::'))) at(`${path}.Type`, `expected one of ${PARAMETER_TYPES.join(', ')} or an AWS-specific type`)
    const value = p['Default']
    if (typeof value === 'string') {
      if (typeof p['AllowedPattern'] === 'string' && !new RegExp(`^(?:${p['AllowedPattern']})$`).test(value)) at(`${path}.Default`, `does not match its AllowedPattern ${p['AllowedPattern']}`)
      if (typeof p['MinLength'] === 'number' && value.length < p['MinLength']) at(`${path}.Default`, `shorter than its MinLength ${p['MinLength']}`)
      if (typeof p['MaxLength'] === 'number' && value.length > p['MaxLength']) at(`${path}.Default`, `longer than its MaxLength ${p['MaxLength']}`)
    }
  }

  const resourceSpecs = new Map(Object.entries(resources).map(([id, r]) => [id, isRecord(r) && typeof r['Type'] === 'string' ? spec.resource(r['Type']) : undefined]))

  const intrinsic = (path: string, fn: string, args: unknown) => {
    if (fn === 'Ref') {
      if (typeof args !== 'string' || !(args in parameters || args in resources || PSEUDO_PARAMETERS.includes(args))) at(path, `Ref ${JSON.stringify(args)}: no such parameter, resource or pseudo parameter`)
    } else if (fn === 'Fn::GetAtt') {
      const [resource, attribute] = Array.isArray(args) ? args : []
      const target = typeof resource === 'string' ? resourceSpecs.get(resource) : undefined
      if (typeof resource !== 'string' || !(resource in resources)) at(path, `GetAtt ${JSON.stringify(resource)}: no such resource`)
      else if (target !== undefined && (typeof attribute !== 'string' || !(attribute in target.attributes))) at(path, `GetAtt ${resource}.${String(attribute)}: not an attribute of its type (${Object.keys(target.attributes).join(', ')})`)
    } else if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(args) ? args : [args, {}]
      if (typeof text !== 'string') return at(path, 'Sub takes a string, or a string and a mapping')
      for (const [, name] of text.matchAll(/\$\{(?!!)([^}]*)\}/g)) {
        const head = (name ?? '').split('.')[0] ?? ''
        if (!(isRecord(vars) && head in vars) && !(head in parameters || head in resources || PSEUDO_PARAMETERS.includes(name ?? ''))) at(path, `Sub \${${name}}: no such parameter, resource or pseudo parameter`)
      }
    } else if (!['Fn::Base64', 'Fn::Cidr', 'Fn::FindInMap', 'Fn::GetAZs', 'Fn::ImportValue', 'Fn::Join', 'Fn::Select', 'Fn::Split', 'Fn::If', 'Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not', 'Fn::Transform', 'Fn::ToJsonString', 'Fn::Length', 'Condition'].includes(fn)) {
      at(path, `${fn}: not an intrinsic function`)
    }
  }

  /** A value against a spec type; an intrinsic function stands for any value (its own arguments are checked). */
  const value = (path: string, v: unknown, type: SpecType): void => {
    const fn = intrinsicOf(v)
    if (fn !== undefined) return intrinsic(path, ...fn)
    switch (type.type) {
      case 'string':
        if (typeof v !== 'string') return at(path, `expected a string, got ${JSON.stringify(v)}`)
        if (type.allowedValues !== undefined && !type.allowedValues.includes(v)) at(path, `expected one of ${type.allowedValues.join(', ')}, got ${JSON.stringify(v)}`)
        return
      case 'integer':
        if (!Number.isInteger(typeof v === 'string' ? Number(v) : v)) at(path, `expected an integer, got ${JSON.stringify(v)}`)
        return
      case 'number':
        if (typeof (typeof v === 'string' ? Number(v) : v) !== 'number' || Number.isNaN(Number(v))) at(path, `expected a number, got ${JSON.stringify(v)}`)
        return
      case 'boolean':
        if (![true, false, 'true', 'false'].includes(v as string)) at(path, `expected true or false, got ${JSON.stringify(v)}`)
        return
      case 'json':
        if (!isRecord(v) && typeof v !== 'string') at(path, 'expected a JSON object')
        else if (isRecord(v)) walkIntrinsics(path, v)
        return
      case 'date-time':
      case 'null':
        return
      case 'tag':
        return properties(path, v, { Key: { required: true, type: { type: 'string' } }, Value: { required: true, type: { type: 'string' } } }, 'Tag')
      case 'ref': {
        const definition = spec.definition(type.reference.$ref)
        return properties(path, v, definition.properties, definition.name)
      }
      case 'array':
        if (!Array.isArray(v)) return at(path, `expected a list, got ${JSON.stringify(v)}`)
        return v.forEach((item, i) => value(`${path}[${i}]`, item, type.element))
      case 'map':
        if (!isRecord(v)) return at(path, 'expected a mapping')
        return Object.entries(v).forEach(([k, item]) => value(`${path}.${k}`, item, type.element))
      case 'union': {
        const before = problems.length
        const attempts = type.types.map((member) => {
          value(path, v, member)
          return problems.splice(before)
        })
        if (!attempts.some((a) => a.length === 0)) problems.push(...(attempts[0] ?? []))
        return
      }
    }
  }

  /** An object of named properties: names known, required ones present, each value of its type. */
  const properties = (path: string, v: unknown, props: SpecProperties, typeName: string) => {
    if (!isRecord(v)) return at(path, `expected a ${typeName} mapping`)
    for (const [name, item] of Object.entries(v)) {
      const prop = props[name]
      if (prop === undefined) at(`${path}.${name}`, `not a property of ${typeName} (known: ${Object.keys(props).sort().join(', ')})`)
      else value(`${path}.${name}`, item, prop.type)
    }
    for (const [name, prop] of Object.entries(props)) if (prop.required === true && !(name in v)) at(`${path}.${name}`, `required by ${typeName}`)
  }

  /** Intrinsics inside free-form JSON (a policy document). */
  const walkIntrinsics = (path: string, v: unknown): void => {
    const fn = intrinsicOf(v)
    if (fn !== undefined) return intrinsic(path, ...fn)
    if (Array.isArray(v)) v.forEach((item, i) => walkIntrinsics(`${path}[${i}]`, item))
    else if (isRecord(v)) for (const [k, item] of Object.entries(v)) walkIntrinsics(`${path}.${k}`, item)
  }

  for (const [id, r] of Object.entries(resources)) {
    const path = `Resources.${id}`
    if (!LOGICAL_ID.test(id)) at(path, 'a logical id is alphanumeric')
    if (!isRecord(r)) {
      at(path, 'a resource is a mapping')
      continue
    }
    for (const key of Object.keys(r)) if (!RESOURCE_KEYS.includes(key)) at(`${path}.${key}`, `not a resource attribute (${RESOURCE_KEYS.join(', ')})`)
    const type = r['Type']
    const resourceSpec = resourceSpecs.get(id)
    if (resourceSpec === undefined) {
      at(`${path}.Type`, `${JSON.stringify(type)} is not a resource type of the specification`)
      continue
    }
    properties(`${path}.Properties`, r['Properties'] ?? {}, resourceSpec.properties, String(type))
    const body = isRecord(r['Properties']) ? r['Properties']['TemplateBody'] : undefined
    if (type === 'AWS::CloudFormation::StackSet' && typeof body === 'string') {
      const nested = parseCloudFormationYaml(body)
      problems.push(...[...nested.problems, ...cloudFormationProblems(nested.template, spec)].map((p) => `${path}.Properties.TemplateBody > ${p}`))
    }
  }

  const outputs = isRecord(template['Outputs']) ? template['Outputs'] : {}
  for (const [name, o] of Object.entries(outputs)) {
    const path = `Outputs.${name}`
    if (!LOGICAL_ID.test(name)) at(path, 'a logical id is alphanumeric')
    if (!isRecord(o) || o['Value'] === undefined) {
      at(`${path}.Value`, 'required')
      continue
    }
    for (const key of Object.keys(o)) if (!OUTPUT_KEYS.includes(key)) at(`${path}.${key}`, 'not an output property')
    walkIntrinsics(`${path}.Value`, o['Value'])
  }
  return problems
}

// ---------------------------------------------------------------------------------------------- IAM policies

const oneOrMore = <C extends t.Mixed>(codec: C) => t.union([codec, t.array(codec)])
const ActionName = patternString('Action', { pattern: /^(?:\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/, expected: 'an action like iam:ListUsers' })
const Sid = patternString('Sid', { pattern: /^[A-Za-z0-9]*$/, expected: 'a Sid of letters and digits' })
const ConditionOperator = t.refinement(
  t.string,
  (s) =>
    /^(?:ForAllValues:|ForAnyValue:)?(?:String(?:Not)?Equals(?:IgnoreCase)?|String(?:Not)?Like|Numeric(?:Not)?Equals|Numeric(?:Less|Greater)Than(?:Equals)?|Date(?:Not)?Equals|Date(?:Less|Greater)Than(?:Equals)?|Bool|BinaryEquals|(?:Not)?IpAddress|Arn(?:Not)?(?:Equals|Like)|Null)(?:IfExists)?$/.test(s),
  'a condition operator like StringEquals',
)
const ConditionValue = oneOrMore(t.union([t.string, t.boolean, t.number]))
const Condition = t.record(ConditionOperator, t.record(t.string, ConditionValue))
const Principal = t.union([t.literal('*'), strictObject('Principal', {}, { AWS: oneOrMore(t.string), Service: oneOrMore(t.string), Federated: oneOrMore(t.string), CanonicalUser: oneOrMore(t.string) })])
const common = { Sid, Action: oneOrMore(ActionName), NotAction: oneOrMore(ActionName), Condition }
/** A statement of an identity-based policy: no principal, a resource. */
const IdentityStatement = strictObject('Statement', { Effect: t.keyof({ Allow: null, Deny: null }) }, { ...common, Resource: oneOrMore(t.string), NotResource: oneOrMore(t.string) })
/** A statement of a role's trust policy: a principal, no resource (IAM refuses one there). */
const TrustStatement = strictObject('Statement', { Effect: t.keyof({ Allow: null, Deny: null }) }, { ...common, Principal, NotPrincipal: Principal })
const policyOf = (statement: t.Mixed) => strictObject('Policy', { Version: t.keyof({ '2012-10-17': null, '2008-10-17': null }), Statement: oneOrMore(statement) }, { Id: t.string })
const GRAMMAR = { identity: { codec: policyOf(IdentityStatement), pairs: [['Action', 'NotAction'], ['Resource', 'NotResource']] }, trust: { codec: policyOf(TrustStatement), pairs: [['Action', 'NotAction'], ['Principal', 'NotPrincipal']] } } as const

/** Every way `doc` breaks IAM's policy grammar, for an identity-based policy or a role's trust policy. */
export function iamPolicyProblems(doc: unknown, kind: 'identity' | 'trust'): string[] {
  const { codec, pairs } = GRAMMAR[kind]
  const decoded = codec.decode(doc)
  if (E.isLeft(decoded)) return [...formatValidationErrors(decoded.left)]
  const statements = ([] as unknown[]).concat((doc as { Statement: unknown }).Statement) as Array<Record<string, unknown>>
  return statements.flatMap((s, i) => pairs.filter((pair) => pair.filter((k) => k in s).length !== 1).map((pair) => `Statement[${i}]: exactly one of ${pair.join(' or ')}`))
}

/** What the kit promises of its trust policy: only `principalArn` may assume the role, only with `externalId`. */
export function trustPolicyProblems(doc: unknown, principalArn: string, externalId: string): string[] {
  const problems = iamPolicyProblems(doc, 'trust')
  if (problems.length > 0) return problems
  const statements = ([] as unknown[]).concat((doc as { Statement: unknown }).Statement) as Array<Record<string, unknown>>
  const [s] = statements
  if (statements.length !== 1 || s === undefined) return ['exactly one statement']
  const partition = /^arn:([\w-]+):/.exec(principalArn)?.[1]
  const condition = s['Condition'] as Record<string, Record<string, unknown>> | undefined
  return [
    ...(s['Effect'] === 'Allow' ? [] : ['Effect: Allow']),
    ...(JSON.stringify(s['Principal']) === JSON.stringify({ AWS: principalArn }) ? [] : [`Principal: exactly {"AWS": "${principalArn}"}, got ${JSON.stringify(s['Principal'])}`]),
    ...([s['Action']].flat().join() === 'sts:AssumeRole' ? [] : [`Action: exactly sts:AssumeRole, got ${JSON.stringify(s['Action'])}`]),
    ...(condition?.['StringEquals']?.['sts:ExternalId'] === externalId ? [] : ['Condition: StringEquals sts:ExternalId must require the organization id']),
    ...(Object.keys(condition ?? {}).length === 1 && Object.keys(condition?.['StringEquals'] ?? {}).length === 1 ? [] : ['Condition: the ExternalId only']),
    ...[...JSON.stringify(doc).matchAll(/"arn:([\w-]+):/g)].filter((m) => m[1] !== partition).map((m) => `an ARN of the ${m[1]} partition, not the principal's (${partition})`),
  ]
}

/** What the kit promises of its permission policy: it allows exactly `permissions`, on every resource. */
export function permissionPolicyProblems(doc: unknown, permissions: ReadonlyArray<string>): string[] {
  const problems = iamPolicyProblems(doc, 'identity')
  if (problems.length > 0) return problems
  const statements = ([] as unknown[]).concat((doc as { Statement: unknown }).Statement) as Array<Record<string, unknown>>
  const allowed = statements.filter((s) => s['Effect'] === 'Allow').flatMap((s) => [s['Action']].flat())
  return [
    ...(JSON.stringify([...allowed].sort()) === JSON.stringify([...permissions].sort()) ? [] : [`Action: exactly ${permissions.join(', ')}, got ${allowed.join(', ')}`]),
    ...(statements.every((s) => s['Effect'] === 'Allow' && s['Resource'] === '*' && s['Condition'] === undefined) ? [] : ['each statement allows its actions on Resource "*"']),
  ]
}

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
