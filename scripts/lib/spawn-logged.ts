import { spawn, type ChildProcess } from 'node:child_process'

export interface LoggedProcess {
  child: ChildProcess
  output: () => string
  /** Resolves with the first match of `pattern` in the output, or rejects after `timeoutMs`. */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>
  exited: Promise<number | null>
}

/** Runs a process on the same Node binary as the tests, keeping all it prints. */
export function spawnLogged(args: string[], opts: { cwd: string; env: Record<string, string | undefined> }): LoggedProcess {
  const child = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  const listeners = new Set<() => void>()
  const onData = (chunk: Buffer) => {
    text += chunk.toString()
    listeners.forEach((l) => l())
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(pattern)
          if (m) {
            cleanup()
            resolve(m)
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text.slice(-4000)}`))
        }, timeoutMs)
        const onExit = () => {
          cleanup()
          reject(new Error(`process exited before ${pattern}; output:\n${text.slice(-4000)}`))
        }
        const cleanup = () => {
          clearTimeout(timer)
          listeners.delete(check)
          child.off('exit', onExit)
        }
        listeners.add(check)
        child.once('exit', onExit)
        check()
      })
    },
  }
}
