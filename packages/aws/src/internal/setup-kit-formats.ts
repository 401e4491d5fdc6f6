/**
 * The setup kit's writers: one data tree (a policy document, a template's resources) written as YAML for
 * CloudFormation, as an HCL expression for Terraform, or quoted for bash. A leaf may be `raw` text written as is:
 * an intrinsic function in YAML (`!Ref PrincipalArn`), a reference in HCL (`var.principal_arn`).
 */

/** Text written as is, in place of a value. */
export interface Raw {
  readonly raw: string
}

/** A multi-line string, written as a YAML literal block (`|`). */
export interface Block {
  readonly block: string
}

/** What the writers take. */
export type Tree = string | number | boolean | Raw | Block | ReadonlyArray<Tree> | { readonly [key: string]: Tree }

export const raw = (text: string): Raw => ({ raw: text })
export const block = (text: string): Block => ({ block: text })

const isRaw = (v: Tree): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { raw?: unknown }).raw === 'string'
const isBlock = (v: Tree): v is Block => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { block?: unknown }).block === 'string'
const isList = (v: Tree): v is ReadonlyArray<Tree> => Array.isArray(v)

/**
 * Replaces, anywhere in a JSON tree, each string equal to a key of `by` with its value: a policy rendered with
 * marker strings becomes one whose leaves are template references.
 */
export function substitute(tree: unknown, by: Readonly<Record<string, Tree>>): Tree {
  if (typeof tree === 'string') return by[tree] ?? tree
  if (Array.isArray(tree)) return tree.map((v: unknown) => substitute(v, by))
  if (typeof tree === 'object' && tree !== null) return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, substitute(v, by)]))
  return tree as number | boolean
}

// A plain YAML scalar: starts with a letter, no ": " or " #", and never read as a boolean, null or number.
const YAML_PLAIN = /^[A-Za-z_](?:[\w.:/@-]*[\w./@-])?$/
const YAML_AMBIGUOUS = /^(?:y|n|yes|no|on|off|true|false|null)$/i

/** A YAML scalar: plain when unambiguous, else double-quoted (JSON's quoting is valid YAML). */
export const yamlScalar = (s: string): string => (YAML_PLAIN.test(s) && !YAML_AMBIGUOUS.test(s) ? s : JSON.stringify(s))

function yamlValue(v: Tree): string | undefined {
  if (isRaw(v)) return v.raw
  if (typeof v === 'string') return yamlScalar(v)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (isList(v) && v.length === 0) return '[]'
  if (!isList(v) && !isBlock(v) && Object.keys(v).length === 0) return '{}'
  return undefined
}

function yamlLines(v: Tree, indent: number): string[] {
  const pad = ' '.repeat(indent)
  if (isList(v)) {
    return v.flatMap((item) => {
      const inline = yamlValue(item)
      if (inline !== undefined) return [`${pad}- ${inline}`]
      const [first = '', ...rest] = yamlLines(item, indent + 2)
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest]
    })
  }
  return Object.entries(v as Record<string, Tree>).flatMap(([key, value]) => {
    const k = `${pad}${yamlScalar(key)}:`
    if (isBlock(value)) return [`${k} |`, ...value.block.replace(/\n$/, '').split('\n').map((line) => (line === '' ? '' : `${pad}  ${line}`))]
    const inline = yamlValue(value)
    return inline !== undefined ? [`${k} ${inline}`] : [k, ...yamlLines(value, indent + 2)]
  })
}

/** A YAML document of a mapping, with a final newline. */
export function toYaml(doc: { readonly [key: string]: Tree }): string {
  return `${yamlLines(doc, 0).join('\n')}\n`
}

/** An HCL string literal: JSON's escapes, plus `$${` and `%%{` so nothing in it is read as a template. */
export const hclString = (s: string): string => JSON.stringify(s).replaceAll('${', '$${').replaceAll('%{', '%%{')

const hclKey = (k: string) => (/^[A-Za-z_][\w-]*$/.test(k) ? k : hclString(k))

/**
 * `key = value` lines, the `=` aligned as `terraform fmt` aligns them: across each run of one-line attributes; an
 * attribute whose value spans lines is not padded, and ends the run.
 */
function hclAttributes(entries: ReadonlyArray<readonly [string, Tree]>, indent: number): string[] {
  const rendered = entries.map(([k, v]) => ({ key: hclKey(k), value: hclExpression(v, indent) }))
  const oneLine = (i: number) => !(rendered[i]?.value.includes('\n') ?? true)
  return rendered.map(({ key, value }, i) => {
    let [start, end] = [i, i]
    while (oneLine(i) && oneLine(start - 1)) start--
    while (oneLine(i) && oneLine(end + 1)) end++
    const width = Math.max(...rendered.slice(start, end + 1).map((r) => r.key.length))
    return `${' '.repeat(indent)}${key.padEnd(width)} = ${value}`
  })
}

/** An HCL expression for a value (objects and tuples over several lines, indented from `indent`). */
export function hclExpression(v: Tree, indent = 0): string {
  if (isRaw(v)) return v.raw
  if (isBlock(v)) return hclString(v.block)
  if (typeof v === 'string') return hclString(v)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  const pad = ' '.repeat(indent)
  if (isList(v)) return v.length === 0 ? '[]' : `[\n${v.map((item) => `${pad}  ${hclExpression(item, indent + 2)},`).join('\n')}\n${pad}]`
  const entries = Object.entries(v as Record<string, Tree>)
  return entries.length === 0 ? '{}' : `{\n${hclAttributes(entries, indent + 2).join('\n')}\n${pad}}`
}

/** An HCL block: `header {`, its attributes (aligned), then its nested blocks, `}`. */
export function hclBlock(header: string, attributes: { readonly [key: string]: Tree }, blocks: ReadonlyArray<string> = []): string {
  const body = [...hclAttributes(Object.entries(attributes), 2), ...blocks.flatMap((b) => ['', ...b.split('\n').map((line) => (line === '' ? '' : `  ${line}`))])]
  return `${header} {\n${body.join('\n')}\n}`
}

/** A bash word that stays one word, literally: single-quoted. */
export const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`
