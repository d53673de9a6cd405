/**
 * How `npm start` (and the tests that start the same servers) launch `partykit dev` and
 * `wrangler dev` without a secret on any command line: secrets go into a 0600 file in a 0700
 * run directory of their own (PARTYKIT_ENV_FILE for PartyKit, `.dev.vars` beside the config for
 * wrangler). Both tools are patched (patches/, applied by patch-package
 * at install) to bind 127.0.0.1 and to open no V8 inspector unless PARTYKIT_INSPECTOR=1 /
 * WRANGLER_INSPECTOR=1 is set by hand for debugging.
 */
import { realpathSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { repoRoot } from '@bittorrented/db'

const bin = (name: string) => realpathSync(join(repoRoot, 'node_modules', '.bin', name))

export interface ServerSpec {
  command: string
  args: string[]
  cwd: string
  env: Record<string, string | undefined>
}

/** `KEY=value` lines; values are base64url/URLs, refused if they could break the format. */
function envFileText(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => {
      if (!/^[A-Z][A-Z0-9_]*$/.test(k) || /[\r\n"'\\#\s]/.test(v)) throw new Error(`cannot write ${k} to an env file`)
      return `${k}=${v}\n`
    })
    .join('')
}

/** Writes `name` in `dir` readable by this user only (dir 0700, file 0600), replacing what was there. */
export async function writeSecretFile(dir: string, name: string, text: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  const file = join(dir, name)
  await writeFile(file, text, { mode: 0o600 })
  await chmod(file, 0o600)
  return file
}

export interface PartyDevOptions {
  port: number
  /** Where the rooms' storage persists. */
  persistDir: string
  /** A directory of this run's own: the secrets file lives there. */
  runDir: string
  /** Variables of the room worker (secrets included). */
  vars: Record<string, string>
  env: Record<string, string | undefined>
}

/**
 * `partykit dev` on 127.0.0.1:<port>, its variables read from <runDir>/party.env (PartyKit
 * assumes its working directory is the project's, so the file is named by PARTYKIT_ENV_FILE,
 * a variable of our patch, instead of a `.env` found upwards from there).
 */
export async function partyDevSpec(opts: PartyDevOptions): Promise<ServerSpec> {
  const envFile = await writeSecretFile(opts.runDir, 'party.env', envFileText(opts.vars))
  return {
    command: process.execPath,
    args: [bin('partykit'), 'dev', '--port', String(opts.port), '--disable-request-cf-fetch', '--persist', opts.persistDir],
    cwd: repoRoot,
    env: { ...opts.env, PARTYKIT_ENV_FILE: envFile },
  }
}

export interface EdgeDevOptions {
  port: number
  inspectorPort: number
  persistDir: string
  runDir: string
  /** Plain settings, passed as --var (no secrets here). */
  vars: Record<string, string>
  /** Secrets, written to <runDir>/.dev.vars. */
  secrets: Record<string, string>
  env: Record<string, string | undefined>
}

/**
 * `wrangler dev` on 127.0.0.1:<port> with a copy of wrangler.toml in `runDir` (paths made
 * absolute): wrangler reads `.dev.vars` beside the config it is given.
 */
export async function edgeDevSpec(opts: EdgeDevOptions): Promise<ServerSpec> {
  let toml = await readFile(join(repoRoot, 'wrangler.toml'), 'utf8')
  const absolute = (key: string, line: RegExp) => {
    const m = line.exec(toml)
    if (!m) throw new Error(`wrangler.toml has no ${key} line`)
    toml = toml.replace(m[0], `${m[1]}${JSON.stringify(join(repoRoot, m[2]!))}`)
  }
  absolute('main', /^(main = )"([^"]+)"/m)
  absolute('assets directory', /^(directory = )"([^"]+)"/m)
  await writeSecretFile(opts.runDir, '.dev.vars', envFileText(opts.secrets))
  await writeFile(join(opts.runDir, 'wrangler.toml'), toml, { mode: 0o600 })
  return {
    command: process.execPath,
    args: [
      bin('wrangler'),
      'dev',
      '--config',
      join(opts.runDir, 'wrangler.toml'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(opts.port),
      '--persist-to',
      opts.persistDir,
      '--show-interactive-dev-session=false',
      // /__scheduled runs the Worker's scheduled() (billing reconciliation) as a cron trigger would.
      '--test-scheduled',
      // No inspector is opened (patched); the port is only checked for being free.
      '--inspector-port',
      String(opts.inspectorPort),
      ...Object.entries(opts.vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
    ],
    cwd: repoRoot,
    env: opts.env,
  }
}
