/**
 * One `npm start` per checkout: every start builds the edge app into the same edge-app/build,
 * so a second one would pull the first one's files from under it (issue #24). The first start
 * holds a lock file naming its process and address; a second one refuses with that, and a lock
 * left by a start that died is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'

export interface StartLock {
  pid: number
  url: string
  startedAt: string
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the lock, or returns the start that holds it. */
export function takeStartLock(file: string, mine: StartLock): StartLock | null {
  try {
    const held = JSON.parse(readFileSync(file, 'utf8')) as StartLock
    if (held.pid !== mine.pid && Number.isInteger(held.pid) && alive(held.pid)) return held
  } catch {
    // no lock, or an unreadable one: take it
  }
  writeFileSync(file, JSON.stringify(mine), { mode: 0o600 })
  return null
}

/** Gives the lock back, if it is still ours. */
export function releaseStartLock(file: string, pid: number): void {
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as StartLock).pid === pid) rmSync(file, { force: true })
  } catch {}
}
