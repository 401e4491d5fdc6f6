/** Finding installed connectors: every workspace package tagged `type:connector`. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The nearest directory above `from` whose package.json declares workspaces. */
export function workspaceRoot(from = process.cwd()): string | undefined {
  let dir = resolve(from)
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces !== undefined) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** Package names of the workspace's connectors, sorted. */
export function discoverConnectors(root: string): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }
  const names: string[] = []
  for (const pattern of workspaces) {
    const base = join(root, pattern.replace(/\/\*$/, ''))
    if (!existsSync(base)) continue
    for (const entry of readdirSync(base)) {
      const pkgFile = join(base, entry, 'package.json')
      if (!existsSync(pkgFile)) continue
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string; nx?: { tags?: string[] } }
      if (pkg.nx?.tags?.includes('type:connector') === true) names.push(pkg.name)
    }
  }
  return names.sort()
}
