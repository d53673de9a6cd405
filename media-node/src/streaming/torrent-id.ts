import { INFO_HASH_PATTERN_ANY_CASE } from '@bittorrented/common'
import { decode as decodeMagnet, type MagnetData } from 'magnet-uri'
import { AppError } from '../errors.ts'

const HEX40 = INFO_HASH_PATTERN_ANY_CASE
const BASE32 = /^[A-Za-z2-7]{32}$/

/** base32 (RFC 4648) → hex, for v1 info hashes written in magnets' short form. */
function base32ToHex(s: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of s.toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  let hex = ''
  for (let i = 0; i + 4 <= bits.length; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16)
  return hex
}

/** A v1 info hash as 40 lowercase hex characters, from hex or base32; anything else is a 400. */
export function parseInfoHash(value: string): string {
  if (HEX40.test(value)) return value.toLowerCase()
  if (BASE32.test(value)) return base32ToHex(value)
  throw new AppError('invalid_input', 'An info hash is 40 hexadecimal or 32 base32 characters.')
}

/** The info hash of a magnet link; malformed magnets are a 400 with a reason. */
export function parseMagnet(uri: string): { infoHash: string; name: string | null } {
  if (uri.length > 8192 || !uri.startsWith('magnet:?')) throw new AppError('invalid_input', 'A magnet link starts with "magnet:?".')
  let parsed: MagnetData
  try {
    parsed = decodeMagnet(uri)
  } catch {
    throw new AppError('invalid_input', 'That magnet link cannot be read.')
  }
  if (!parsed.infoHash || !HEX40.test(parsed.infoHash)) throw new AppError('invalid_input', 'That magnet link has no BitTorrent v1 info hash (xt=urn:btih:…).')
  return { infoHash: parsed.infoHash.toLowerCase(), name: typeof parsed.name === 'string' ? parsed.name : null }
}
