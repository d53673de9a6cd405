// The party room on the real PartyKit dev server (workerd) on loopback, reached with `ws`.
import { realpathSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { repoRoot } from '@bittorrented/db'
import { freePort } from '../../scripts/lib/free-port.ts'
import { spawnLogged, type LoggedProcess } from '../../test/helpers/spawn-logged.ts'

let server: LoggedProcess
let port: number
let persistDir: string

beforeAll(async () => {
  port = await freePort()
  persistDir = await mkdtemp(join(tmpdir(), 'bt-party-'))
  const partykit = realpathSync(join(repoRoot, 'node_modules', '.bin', 'partykit'))
  server = spawnLogged([partykit, 'dev', '--port', String(port), '--disable-request-cf-fetch', '--persist', persistDir], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1' },
  })
  await server.waitFor(/Ready on/, 90_000)
}, 120_000)

afterAll(async () => {
  server?.child.kill('SIGTERM')
  await server?.exited
  await rm(persistDir, { recursive: true, force: true })
})

type Message = Record<string, unknown>

function open(room: string): Promise<{ ws: WebSocket; next: () => Promise<Message> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/parties/main/${room}`)
  const inbox: Message[] = []
  const waiters: Array<(m: Message) => void> = []
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Message
    const waiter = waiters.shift()
    if (waiter) waiter(m)
    else inbox.push(m)
  })
  const next = () =>
    new Promise<Message>((resolve) => {
      const m = inbox.shift()
      if (m) resolve(m)
      else waiters.push(resolve)
    })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next }))
    ws.once('error', reject)
  })
}

describe('watch room on partykit dev', () => {
  test('/healthz answers outside any room', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`)
    expect(await res.json()).toEqual({ service: 'party', status: 'ok' })
  })

  test('a member is welcomed with the room id and answered pongs carrying the server time', async () => {
    const { ws, next } = await open('movie-night')
    expect(await next()).toMatchObject({ type: 'welcome', room: 'movie-night', members: 1 })
    ws.send(JSON.stringify({ type: 'ping', clientTime: 42 }))
    const pong = await next()
    expect(pong).toMatchObject({ type: 'pong', clientTime: 42 })
    expect(typeof pong.serverTime).toBe('number')
    ws.close()
  })

  test('malformed and unknown messages get an error reply and the connection stays usable', async () => {
    const { ws, next } = await open('bad-input')
    await next()
    ws.send('not json')
    expect(await next()).toMatchObject({ type: 'error', code: 'invalid_message' })
    ws.send(JSON.stringify({ type: 'takeover' }))
    expect(await next()).toMatchObject({ type: 'error', code: 'invalid_message' })
    ws.send('x'.repeat(10_000))
    expect(await next()).toMatchObject({ type: 'error', code: 'message_too_large' })
    ws.send(JSON.stringify({ type: 'ping', clientTime: 1 }))
    expect(await next()).toMatchObject({ type: 'pong', clientTime: 1 })
    ws.close()
  })
})
