import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Argument, Command, Option } from 'commander'
import { describe, expect, it } from 'vitest'
import { completionScript } from './completion.js'

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const IDS = ['aws-iam', 'aws-sandbox']

/** A program shaped like the real CLI's: the same kinds of commands, arguments and options. */
function program(): Command {
  const p = new Command('connectors').description('Run SaaS connectors')
  p.addOption(new Option('--log-level <level>', 'log level for the JSON logs on stderr').choices(LEVELS).default('warn'))
  p.addOption(new Option('--log-format <format>', 'format of the logs on stderr').choices(['json', 'pretty']))
  p.command('list').description('list installed connectors').option('--json', 'print JSON')
  p.command('spec <connector>').description("print a connector's config JSON Schema")
  p.command('check').description("run each account's connection check").requiredOption('--config <file>', 'run config (JSON or YAML)').option('--json', 'print JSON instead of a table')
  p.command('sync')
    .description('sync every account of the run config')
    .requiredOption('--config <file>', 'run config (JSON or YAML)')
    .option('--out <dir>', 'output directory (default: the run config’s, else ./out)')
    .option('--state <file>', 'state database')
    .option('--concurrency <n>', 'accounts synced at once')
    .option('--account <name>', 'only this account')
    .option('--accept-drop', 'apply deletions even when a sync drops more users than the threshold')
  p.command('completion').description('print a shell completion script').addArgument(new Argument('<shell>').choices(['bash', 'zsh']))
  return p
}

const scriptFile = (shell: 'bash' | 'zsh'): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'completion-')), `connectors.${shell}`)
  writeFileSync(file, completionScript(program(), shell, IDS))
  return file
}
const bashScript = scriptFile('bash')

/** What the real bash completes for the command line `words` (the last being the word under the cursor). */
function complete(words: ReadonlyArray<string>, cwd?: string): string[] {
  const run = 'source "$1"; COMP_WORDS=("${@:2}"); COMP_CWORD=$(($# - 2)); _connectors; printf "%s\\n" "${COMPREPLY[@]}"'
  const out = execFileSync('/bin/bash', ['--norc', '--noprofile', '-c', run, 'bash', bashScript, ...words], { encoding: 'utf8', ...(cwd !== undefined ? { cwd } : {}) })
  return out.split('\n').filter((w) => w !== '')
}

const longs = (options: ReadonlyArray<Option>): string[] => options.flatMap((o) => (o.long !== undefined ? [o.long] : []))

describe('bash completion', () => {
  it('completes the subcommand in first position, also after a global option and its value', () => {
    expect(complete(['connectors', 'sy'])).toEqual(['sync'])
    expect(complete(['connectors', ''])).toEqual(['list', 'spec', 'check', 'sync', 'completion', 'help'])
    expect(complete(['connectors', '--log-level', 'debug', 'c'])).toEqual(['check', 'completion'])
  })

  it("completes a subcommand's options and the global ones", () => {
    expect(complete(['connectors', 'sync', '--con']).sort()).toEqual(['--concurrency', '--config'])
    expect(complete(['connectors', 'sync', '--log'])).toEqual(['--log-level', '--log-format'])
    expect(complete(['connectors', '--'])).toEqual(['--log-level', '--log-format', '--help'])
  })

  it("completes an option's choices, before or after the subcommand, and after `=`", () => {
    expect(complete(['connectors', '--log-level', ''])).toEqual(LEVELS)
    expect(complete(['connectors', 'sync', '--log-level', 'd'])).toEqual(['debug'])
    expect(complete(['connectors', 'check', '--log-format', ''])).toEqual(['json', 'pretty'])
    // How bash splits `--log-level=d` with the default COMP_WORDBREAKS.
    expect(complete(['connectors', '--log-level', '=', 'd'])).toEqual(['debug'])
    expect(complete(['connectors', '--log-level', '='])).toEqual(LEVELS)
  })

  it('completes connector ids where the argument is `connector`, and an argument’s choices', () => {
    expect(complete(['connectors', 'spec', ''])).toEqual(IDS)
    expect(complete(['connectors', 'spec', 'aws-s'])).toEqual(['aws-sandbox'])
    expect(complete(['connectors', 'completion', ''])).toEqual(['bash', 'zsh'])
    // Once the argument is given, options are what is left.
    expect(complete(['connectors', 'spec', 'aws-iam', ''])).toEqual(['--help', '--log-level', '--log-format'])
  })

  it('completes files after --config and --state, directories after --out, nothing after --concurrency', () => {
    const dir = mkdtempSync(join(tmpdir(), 'completion-files-'))
    writeFileSync(join(dir, 'run.yaml'), '')
    writeFileSync(join(dir, 'run two.json'), '')
    mkdirSync(join(dir, 'out'))
    expect(complete(['connectors', 'sync', '--config', ''], dir).sort()).toEqual(['out', 'run two.json', 'run.yaml'])
    expect(complete(['connectors', 'check', '--config', 'run.'], dir)).toEqual(['run.yaml'])
    expect(complete(['connectors', 'sync', '--state', 'run'], dir).sort()).toEqual(['run two.json', 'run.yaml'])
    expect(complete(['connectors', 'sync', '--out', ''], dir)).toEqual(['out'])
    expect(complete(['connectors', 'sync', '--concurrency', ''], dir)).toEqual([])
    // The value of --config is not taken for an argument, so options come next.
    expect(complete(['connectors', 'sync', '--config', 'run.yaml', '--acc'], dir).sort()).toEqual(['--accept-drop', '--account'])
  })

  it('is registered for the connectors command without bash-completion', () => {
    const out = execFileSync('/bin/bash', ['--norc', '--noprofile', '-c', 'source "$1"; complete -p connectors', 'bash', bashScript], { encoding: 'utf8' })
    expect(out.trim()).toBe('complete -F _connectors connectors')
    expect(completionScript(program(), 'bash', IDS)).not.toContain('_init_completion')
  })
})

describe('completion script', () => {
  it('is the same when generated twice', () => {
    for (const shell of ['bash', 'zsh'] as const) expect(completionScript(program(), shell, IDS)).toBe(completionScript(program(), shell, IDS))
  })

  it('offers every command and every option of the program, so a new one cannot be forgotten', () => {
    const p = program()
    const globals = longs(p.options)
    expect(complete(['connectors', '']).sort()).toEqual([...p.commands.map((c) => c.name()), 'help'].sort())
    for (const c of p.commands) {
      // Every long option of the command plus the global ones and commander's --help; nothing else.
      expect(complete(['connectors', c.name(), '--']).sort()).toEqual([...new Set([...longs(c.options), ...globals, '--help'])].sort())
    }
    const zsh = completionScript(p, 'zsh', IDS)
    for (const c of p.commands) expect(zsh).toContain(`'${c.name()}:${c.description().replaceAll("'", "'\\''")}'`)
    for (const o of [...p.options, ...p.commands.flatMap((c) => c.options)]) expect(zsh).toMatch(new RegExp(`'${o.long ?? ''}=?\\[`))
  })

  it('says how to install it', () => {
    const bash = completionScript(program(), 'bash', IDS)
    expect(bash).toContain('source <(connectors completion bash)')
    expect(bash).toContain('~/.local/share/bash-completion/completions/connectors')
    const header = completionScript(program(), 'zsh', IDS).split('\n\n')[0] ?? ''
    expect(header.startsWith('#compdef connectors\n')).toBe(true)
    expect(header).toContain('write it as _connectors into a folder on $fpath')
    expect(header).toContain('source <(connectors completion zsh)')
  })
})

describe('zsh completion', () => {
  const zsh = completionScript(program(), 'zsh', IDS)

  it('describes subcommands and options, completes choices, files, directories and connector ids', () => {
    expect(zsh).toContain("_describe -t commands 'connectors command' commands")
    expect(zsh).toContain("'sync:sync every account of the run config'")
    expect(zsh).toContain("'--log-level=[log level for the JSON logs on stderr]:level:(fatal error warn info debug trace silent)'")
    expect(zsh).toContain("'--log-format=[format of the logs on stderr]:format:(json pretty)'")
    expect(zsh).toContain("'--config=[run config (JSON or YAML)]:file:_files'")
    expect(zsh).toContain("'--state=[state database]:file:_files'")
    expect(zsh).toContain("'--out=[output directory (default: the run config’s, else ./out)]:dir:_files -/'")
    expect(zsh).toContain("'--accept-drop[apply deletions even when a sync drops more users than the threshold]'")
    expect(zsh).toContain("'1:connector:(aws-iam aws-sandbox)'")
    expect(zsh).toContain("'1:shell:(bash zsh)'")
  })

  it('completes when autoloaded from $fpath and registers itself when sourced', () => {
    expect(zsh.trimEnd().split('\n').at(-1)).toBe('if [[ $funcstack[1] == _connectors ]]; then _connectors "$@"; else compdef _connectors connectors; fi')
  })

  it('parses', () => {
    const zshBin = ['/usr/bin/zsh', '/bin/zsh'].find((f) => existsSync(f))
    // Without zsh, bash checks the syntax the two shells share: quoting, `case`/`esac`, braces and continuations,
    // which is where a generated script goes wrong. The assertions above check the zsh-only parts.
    expect(() => execFileSync(zshBin ?? '/bin/bash', ['-n', scriptFile('zsh')], { encoding: 'utf8' })).not.toThrow()
    expect(zsh.match(/\bcase\b/g)?.length).toBe(zsh.match(/\besac\b/g)?.length)
  })
})
