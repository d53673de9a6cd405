import { describe, expect, test } from 'vitest'
import { safeNextPath } from './request-auth.server.ts'
import { contentSecurityPolicy, isSameOriginRequest, readJsonBody, refuseBadRequest } from './http-guards.server.ts'

describe('next= paths', () => {
  test('only paths of our own origin survive; what a browser would read as another host never does', () => {
    expect(safeNextPath('/browse')).toBe('/browse')
    expect(safeNextPath('/search?q=a%20b#top')).toBe('/search?q=a%20b#top')
    for (const hostile of ['/\t/attacker.example/', '/\n/attacker.example', '/\r/x', '//attacker.example', '/\\attacker.example', 'https://attacker.example', '///attacker.example', ' /x', null, '']) {
      const got = safeNextPath(hostile)
      if (got !== null) expect(new URL(got, 'http://edge.test').origin).toBe('http://edge.test')
      expect(got === null || got.startsWith('/')).toBe(true)
    }
    expect(safeNextPath('/\t/attacker.example/')).toBeNull()
    expect(safeNextPath('///attacker.example')).toBeNull()
  })
})

describe('request guards', () => {
  const post = (headers: Record<string, string>, url = 'http://edge.test/api/progress') => new Request(url, { method: 'POST', headers, body: '{}' })
  test('a write must come from our own origin', () => {
    expect(isSameOriginRequest(post({ Origin: 'http://edge.test' }))).toBe(true)
    expect(isSameOriginRequest(post({ Origin: 'http://edge.test:8080' }))).toBe(false)
    expect(isSameOriginRequest(post({ Origin: 'http://sub.edge.test' }))).toBe(false)
    expect(isSameOriginRequest(post({ Origin: 'null' }))).toBe(false)
    expect(isSameOriginRequest(post({}))).toBe(false)
    expect(isSameOriginRequest(post({ 'Sec-Fetch-Site': 'same-origin' }))).toBe(true)
    expect(isSameOriginRequest(post({ 'Sec-Fetch-Site': 'same-site' }))).toBe(false)
    expect(refuseBadRequest(new Request('http://edge.test/browse'))).toBeNull() // reads need no Origin
  })

  test('control characters in the address, and bodies over the limit, are refused before routing', async () => {
    expect(refuseBadRequest(new Request('http://edge.test/api/search?q=%00'))?.status).toBe(400)
    expect(refuseBadRequest(new Request('http://edge.test/a%0Ab'))?.status).toBe(400)
    expect(refuseBadRequest(new Request('http://edge.test/api/search?q=%E0%A4%A'))?.status).toBe(400)
    expect(refuseBadRequest(new Request('http://edge.test/api/search?q=caf%C3%A9'))).toBeNull()
    expect(refuseBadRequest(post({ Origin: 'http://edge.test', 'Content-Length': String(10 * 1024 * 1024) }))?.status).toBe(413)
  })

  test('JSON bodies: application/json only, bounded even without a length, no NUL anywhere', async () => {
    const json = (body: BodyInit, type = 'application/json') => new Request('http://edge.test/api/x', { method: 'POST', headers: { 'Content-Type': type }, body })
    expect(await readJsonBody(json('{"a":1}'))).toEqual({ a: 1 })
    await expect(readJsonBody(json('{"a":1}', 'text/plain'))).rejects.toMatchObject({ code: 'unsupported_media_type' })
    await expect(readJsonBody(json('{"a":"x\\u0000y"}'))).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(readJsonBody(json('{"a\\u0000":1}'))).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(readJsonBody(json('{nope'))).rejects.toMatchObject({ code: 'invalid_input' })
    const endless = new ReadableStream({
      pull(c) {
        c.enqueue(new Uint8Array(64 * 1024).fill(32))
      },
    })
    await expect(
      readJsonBody(new Request('http://edge.test/api/x', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: endless, duplex: 'half' } as RequestInit)),
    ).rejects.toMatchObject({ code: 'payload_too_large' })
  })

  test('the CSP allows scripts only from us with the nonce, media only from the media node', () => {
    const csp = contentSecurityPolicy('abc', { mediaNodeUrl: 'http://127.0.0.1:8790/', partyUrl: 'https://party.example' })
    expect(csp).toContain("script-src 'self' 'nonce-abc'")
    expect(csp).toContain("media-src 'self' blob: http://127.0.0.1:8790")
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:8790 wss://party.example")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-eval')
  })
})
