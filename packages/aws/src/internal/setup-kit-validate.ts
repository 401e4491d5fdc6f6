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

export * from './setup-kit-validate-iam.js'
export * from './setup-kit-validate-terraform.js'
