/**
 * Sections of docs/BENCHMARKS.md that scenarios of their own write (fleet, identity-center), each between markers
 * so that a run of one scenario replaces its section and leaves the rest of the document — and the numbers other
 * commands produced — as they were.
 */

const open = (name: string) => `<!-- bench-section:${name} -->`
const close = (name: string) => `<!-- /bench-section:${name} -->`

/** `doc` with section `name` set to `body`: replaced where it is, else appended. */
export function withSection(doc: string, name: string, body: string): string {
  const block = `${open(name)}\n${body.trim()}\n${close(name)}`
  const [start, end] = [doc.indexOf(open(name)), doc.indexOf(close(name))]
  if (start >= 0 && end > start) return `${doc.slice(0, start)}${block}${doc.slice(end + close(name).length)}`
  return `${doc.trimEnd()}\n\n${block}\n`
}

/** Every section of `doc`, by name, with its markers: what a rewrite of the rest must carry over. */
export function sectionsOf(doc: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const match of doc.matchAll(/<!-- bench-section:([\w-]+) -->[\s\S]*?<!-- \/bench-section:\1 -->/g)) found.set(match[1] as string, match[0])
  return found
}
