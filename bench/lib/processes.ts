/** Processes the benchmarks run beside them: seeders and the media node, each in its own process. */
import { spawn, type ChildProcess } from 'node:child_process'
import { repoRoot } from '@bittorrented/db'

export class ProcessGroup {
  private readonly children: ChildProcess[] = []

  /** A TypeScript entry point on this Node, output piped (stdout) or passed through (stderr). */
  node(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] })
    this.children.push(child)
    return child
  }

  async stop(): Promise<void> {
    for (const c of this.children) c.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 500))
    for (const c of this.children) c.kill('SIGKILL')
  }
}

/** The first line a process prints (the seeders announce themselves that way). */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = ''
    child.stdout!.on('data', (d) => {
      buf += d
      if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')))
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code} before answering`)))
  })
}

/** Starts `media-node/src/main.ts` on `port` with `env` and waits until it answers. */
export async function startMediaNode(group: ProcessGroup, port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = group.node(['media-node/src/main.ts'], {
    ...process.env,
    MEDIA_NODE_PORT: String(port),
    DATABASE_URL: 'postgres://bench:unused@127.0.0.1:1/unused',
    PEER_DHT: 'false',
    PEER_TRACKERS: 'false',
    PEER_LSD: 'false',
    LOG_LEVEL: 'warn',
    ...env,
  })
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/metrics`)
      return child
    } catch {
      if (i > 200) throw new Error('media node did not start')
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}
