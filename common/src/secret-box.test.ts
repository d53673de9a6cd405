import { describe, expect, test } from 'vitest'
import { openSecret, sealSecret, secretKeyId } from './secret-box.ts'
import { derivePurposeKey } from './signing-keys.ts'

describe('secrets at rest', () => {
  test('sealed and opened again; the key id names the key; old keys still open what they sealed', async () => {
    const oldKey = await derivePurposeKey('o'.repeat(40), 'iptv-credentials')
    const newKey = await derivePurposeKey('n'.repeat(40), 'iptv-credentials')
    const sealed = await sealSecret(oldKey, '{"username":"u","password":"p"}')
    expect(sealed.keyId).toBe(await secretKeyId(oldKey))
    expect(sealed.ciphertext).not.toContain('password')
    expect(await openSecret([newKey, oldKey], sealed)).toBe('{"username":"u","password":"p"}')
    await expect(openSecret([newKey], sealed)).rejects.toThrow(/no key/)
  })

  test('a changed byte or a swapped key id is refused', async () => {
    const key = await derivePurposeKey('k'.repeat(40), 'iptv-credentials')
    const sealed = await sealSecret(key, 'secret')
    const bytes = sealed.ciphertext.split('')
    bytes[20] = bytes[20] === 'A' ? 'B' : 'A'
    await expect(openSecret([key], { ...sealed, ciphertext: bytes.join('') })).rejects.toThrow()
    await expect(openSecret([key], { ...sealed, keyId: '00000000' })).rejects.toThrow(/no key/)
  })
})
