/**
 * The processes `npm start` runs, each in its own process group so that stopping one also
 * stops what it spawned (wrangler → workerd, partykit → workerd). Output is prefixed per part.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface ChildSpec {
  name: string
  command: string
  args: string[]
  cwd: string
  env: Record<string, string | undefined>
  /** Sees every line the child prints to stdout (readiness announcements). */
  onLine?: (line: string) => void
}

export interface RunningChild {
  name: string
  process: ChildProcess
  exited: Promise<number | null>
}

// Colours and cursor moves (partykit redraws its status line) make no sense once prefixed.
const TERMINAL_CONTROL = /\x1b\[[0-9;?]*[A-Za-z]/g

function prefixLines(stream: NodeJS.ReadableStream | null, prefix: string, out: NodeJS.WriteStream, onLine?: (line: string) => void): void {
  if (!stream) return
  createInterface({ input: stream }).on('line', (raw) => {
    const line = raw.replace(TERMINAL_CONTROL, '').trimEnd()
    onLine?.(line)
    if (line) out.write(`${prefix} ${line}\n`)
  })
}

export function startChild(spec: ChildSpec): RunningChild {
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const prefix = `[${spec.name}]`
  prefixLines(child.stdout, prefix, process.stdout, spec.onLine)
  prefixLines(child.stderr, prefix, process.stderr)
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)))
    child.once('error', () => resolve(127))
  })
  return { name: spec.name, process: child, exited }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

/** SIGTERM to each group, then SIGKILL to whatever is still there after `graceMs`. */
export async function stopChildren(children: RunningChild[], graceMs = 5_000): Promise<void> {
  for (const c of children) signalGroup(c.process, 'SIGTERM')
  const timer = setTimeout(() => children.forEach((c) => signalGroup(c.process, 'SIGKILL')), graceMs)
  await Promise.all(children.map((c) => c.exited))
  clearTimeout(timer)
  // A group's leader may exit before its children (workerd): make sure none is left.
  for (const c of children) signalGroup(c.process, 'SIGKILL')
}
