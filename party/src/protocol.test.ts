import { describe, expect, test } from 'vitest'
import { MAX_MESSAGE_BYTES, parseClientMessage } from './protocol.ts'

describe('party protocol', () => {
  test('a ping with a client time parses', () => {
    expect(parseClientMessage('{"type":"ping","clientTime":12.5}')).toEqual({ type: 'ping', clientTime: 12.5 })
  })
  test('unknown types, bad JSON, binary frames and oversized messages are errors, never throws', () => {
    expect(parseClientMessage('{"type":"launch"}')).toMatchObject({ type: 'error', code: 'invalid_message' })
    expect(parseClientMessage('{nope')).toMatchObject({ type: 'error', code: 'invalid_message' })
    expect(parseClientMessage(new Uint8Array([1, 2]))).toMatchObject({ type: 'error', code: 'invalid_message' })
    expect(parseClientMessage('{"type":"ping","clientTime":"x"}')).toMatchObject({ type: 'error', code: 'invalid_message' })
    expect(parseClientMessage('x'.repeat(MAX_MESSAGE_BYTES + 1))).toMatchObject({ type: 'error', code: 'message_too_large' })
  })
})
