/**
 * Reading the email map file named by the config (`email.mapFile`): CSV (`username,email` a line; a header is
 * allowed) or JSON (`{ "username": "email" }`), relative to the run config's folder. Errors name the file, the line
 * and the rule.
 */
import { ConnectorError } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { EmailAddress, type EmailRule } from './config.js'
import type { EmailEntries } from './mappers/email.js'

/** The explicit entries of a rule: its inline `map`, then its `mapFile` (whose entries win on the same username). */
export async function emailEntries(rule: EmailRule | undefined, baseDir: string | undefined, scope: { readonly connector: string; readonly account: string }): Promise<E.Either<ConnectorError, EmailEntries>> {
  const entries = new Map(Object.entries(rule?.map ?? {}))
  if (rule?.mapFile === undefined) return E.right(entries)
  const path = resolve(baseDir ?? process.cwd(), rule.mapFile)
  const fail = (issue: string) => E.left(ConnectorError.invalidConfig({ ...scope, operation: 'email map', detail: `the email map file ${path} cannot be used`, issues: [`email.mapFile: ${issue}`], fix: `correct ${path}: a CSV of username,email lines, or a JSON object of "username": "email"` }))
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    return fail(`cannot read ${path} (${(error as { code?: string }).code ?? (error as Error).message})`)
  }
  const pairs: Array<[string, unknown, string]> = []
  if (/^\s*\{/.test(text)) {
    try {
      for (const [username, email] of Object.entries(JSON.parse(text) as Record<string, unknown>)) pairs.push([username, email, `"${username}"`])
    } catch (error) {
      // The parser's message quotes the file: only its position is kept (a wrong file may hold secrets).
      const at = /position \d+/.exec((error as Error).message)?.[0]
      return fail(`${path} is not valid JSON: expected an object of "username": "email" pairs${at !== undefined ? ` (error at ${at})` : ''}`)
    }
  } else {
    for (const [i, line] of text.split(/\r?\n/).entries()) {
      const [username, email, ...rest] = line.split(',').map((cell) => cell.trim())
      if (username === undefined || username === '' || (i === 0 && /^user(name)?$/i.test(username))) continue
      if (rest.length > 0) return fail(`line ${i + 1}: expected username,email, got ${rest.length + 2} columns`)
      pairs.push([username, email, `line ${i + 1}`])
    }
  }
  for (const [username, email, where] of pairs) {
    // A line is named by its number alone: its cells are not echoed (a wrong file may hold secrets).
    if (!EmailAddress.is(email)) return fail(`${where}: expected username,email with an email address like jane@example.com as the second value`)
    entries.set(username, email)
  }
  return E.right(entries)
}
