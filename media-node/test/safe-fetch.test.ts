/**
 * The SSRF guard against real HTTP servers on loopback: what it refuses, where it stops reading,
 * and that an allowed fixture service is the only private address it reaches.
 */
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readText, refusedRange, safeFetch } from '../src/net/safe-fetch.ts'

let server: Server
let base: string
let hostPort: string
let other: Server
let otherBase: string

const routes: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.end('hello'),
  '/big': (res) => {
    res.writeHead(200)
    res.end(Buffer.alloc(2 * 1024 * 1024, 0x61))
  },
  '/bomb': (res) => {
    // 64 MB of zeros, about 64 KB on the wire.
    res.writeHead(200, { 'Content-Encoding': 'gzip' })
    res.end(gzipSync(Buffer.alloc(64 * 1024 * 1024)))
  },
  '/gz': (res) => {
    res.writeHead(200, { 'Content-Encoding': 'gzip' })
    res.end(gzipSync(Buffer.from('#EXTM3U\n')))
  },
  '/slow': (res) => {
    res.writeHead(200)
    res.write('a')
    // …and nothing more: a slow-loris server.
  },
  '/to-other': (res) => {
    res.writeHead(302, { Location: `${otherBase}/ok` })
    res.end()
  },
  '/to-metadata': (res) => {
    res.writeHead(301, { Location: 'http://169.254.169.254/latest/meta-data/' })
    res.end()
  },
  '/loop': (res) => {
    res.writeHead(302, { Location: '/loop' })
    res.end()
  },
}

beforeAll(async () => {
  server = createServer((req, res) => (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  base = `http://127.0.0.1:${port}`
  hostPort = `127.0.0.1:${port}`
  other = createServer((_req, res) => res.end('private'))
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r))
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  other.closeAllConnections()
  await new Promise((r) => server.close(r))
  await new Promise((r) => other.close(r))
})

const limits = { maxBytes: 1024 * 1024, timeoutMs: 5_000, idleMs: 400, what: 'The playlist' }
const allowed = () => ({ ...limits, allow: new Set([hostPort]) })

describe('address ranges', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
  ])('%s is refused (%s)', (address, range) => {
    expect(refusedRange(address)).toBe(range)
  })

  test.each(['93.184.215.14', '1.1.1.1', '2606:4700:4700::1111'])('%s is public', (address) => {
    expect(refusedRange(address)).toBeNull()
  })
})

describe('safeFetch', () => {
  test('a loopback server is refused unless it is on the allow-list', async () => {
    await expect(safeFetch(`${base}/ok`, limits)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/The playlist is on this machine/) })
    const res = await safeFetch(`${base}/ok`, allowed())
    expect(await readText(res.body)).toBe('hello')
  })

  test('the check is on the address the name resolves to, made where the connection is made', async () => {
    // "localhost" is not an address; only resolving it shows it is this machine.
    const port = hostPort.split(':')[1]
    await expect(safeFetch(`http://localhost:${port}/ok`, limits)).rejects.toMatchObject({ message: expect.stringMatching(/on this machine \(localhost is (127\.0\.0\.1|::1)\)/) })
  })

  test('a redirect is checked again: from the allowed service to another private one, or to cloud metadata, is refused', async () => {
    await expect(safeFetch(`${base}/to-other`, allowed())).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/on this machine/) })
    await expect(safeFetch(`${base}/to-metadata`, allowed())).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/link-local/) })
  })

  test('more than five redirects are refused', async () => {
    await expect(safeFetch(`${base}/loop`, allowed())).rejects.toMatchObject({ message: expect.stringMatching(/redirected more than 5 times/) })
  })

  test('a body past the size limit is cut off with a clear message', async () => {
    const res = await safeFetch(`${base}/big`, allowed())
    await expect(readText(res.body)).rejects.toMatchObject({ message: expect.stringMatching(/larger than 1 MB/) })
  })

  test('a gzip bomb stops at the limit of decoded bytes; honest gzip is decoded', async () => {
    const bomb = await safeFetch(`${base}/bomb`, allowed())
    await expect(readText(bomb.body)).rejects.toMatchObject({ message: expect.stringMatching(/larger than 1 MB/) })
    expect(await readText((await safeFetch(`${base}/gz`, allowed())).body)).toBe('#EXTM3U\n')
  })

  test('a server that stops sending is dropped', async () => {
    const res = await safeFetch(`${base}/slow`, allowed())
    await expect(readText(res.body)).rejects.toMatchObject({ message: expect.stringMatching(/stopped sending/) })
  })

  test('only http(s), no credentials in the URL, and something that is a URL', async () => {
    await expect(safeFetch('file:///etc/passwd', limits)).rejects.toMatchObject({ message: expect.stringMatching(/http or https/) })
    await expect(safeFetch('http://user:pass@93.184.215.14/', limits)).rejects.toMatchObject({ message: expect.stringMatching(/user name or password/) })
    await expect(safeFetch('not a url', limits)).rejects.toMatchObject({ message: expect.stringMatching(/not a URL/) })
  })
})
