/**
 * The IAM credential report (pure): its CSV parsed into rows by username, and what a row adds to a user — whether it
 * can use the console and access keys, and when it last used either. Without the report, an API-only user would
 * look never used (a false "unused license").
 */

/** What the report says of one user. */
export interface CredentialRow {
  readonly passwordEnabled: boolean
  readonly mfaActive: boolean
  readonly activeKeys: number
  /** The latest of the password's and the access keys' last use, ISO; undefined when none was ever used. */
  readonly lastUsedAt?: string
}

/** Splits one CSV line (the report quotes cells holding commas or quotes). */
function cells(line: string): string[] {
  const out: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"'
      i++
    } else if (c === '"') quoted = !quoted
    else if (c === ',' && !quoted) {
      out.push(cell)
      cell = ''
    } else cell += c
  }
  out.push(cell)
  return out
}

/** A report cell as a time, or undefined for `N/A`, `no_information`, `not_supported` and anything unparsable. */
function timeOf(cell: string | undefined): number | undefined {
  if (cell === undefined || !/^\d{4}-\d\d-\d\dT/.test(cell)) return undefined
  const t = Date.parse(cell)
  return Number.isNaN(t) ? undefined : t
}

/** The report's rows by username (the root account's row left out). Throws when the header is not IAM's. */
export function parseCredentialReport(csv: string): ReadonlyMap<string, CredentialRow> {
  const [head, ...lines] = csv.split(/\r?\n/).filter((l) => l !== '')
  const columns = cells(head ?? '')
  const at = (name: string) => {
    const i = columns.indexOf(name)
    if (i < 0) throw new Error(`the credential report has no ${name} column`)
    return i
  }
  const col = { user: at('user'), password: at('password_enabled'), passwordUsed: at('password_last_used'), mfa: at('mfa_active'), key1: at('access_key_1_active'), key1Used: at('access_key_1_last_used_date'), key2: at('access_key_2_active'), key2Used: at('access_key_2_last_used_date') }
  const rows = new Map<string, CredentialRow>()
  for (const line of lines) {
    const c = cells(line)
    const user = c[col.user]
    if (user === undefined || user === '<root_account>') continue
    const used = [timeOf(c[col.passwordUsed]), timeOf(c[col.key1Used]), timeOf(c[col.key2Used])].filter((t): t is number => t !== undefined)
    rows.set(user, {
      passwordEnabled: c[col.password] === 'true',
      mfaActive: c[col.mfa] === 'true',
      activeKeys: [c[col.key1], c[col.key2]].filter((v) => v === 'true').length,
      ...(used.length > 0 ? { lastUsedAt: new Date(Math.max(...used)).toISOString() } : {}),
    })
  }
  return rows
}

/** How a user can sign in, in words: `console+keys`, `console-only`, `keys-only` or `console-disabled` (neither); `+mfa` when MFA is on. */
export function accessOf(row: CredentialRow): string {
  const access = row.passwordEnabled ? (row.activeKeys > 0 ? 'console+keys' : 'console-only') : row.activeKeys > 0 ? 'keys-only' : 'console-disabled'
  return row.mfaActive ? `${access}+mfa` : access
}
