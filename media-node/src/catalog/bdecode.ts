/**
 * A strict bencode decoder for untrusted .torrent files. Written here rather than taken from the
 * `bencode` package because we need what it does not give: the exact byte span of every value
 * (the info hash is the hash of the info dictionary's bytes as written), a nesting limit (a
 * deeply nested file must not exhaust the stack), and refusal of non-canonical integers and
 * lengths ("i07e", "-0"), as libtorrent refuses them.
 */
export type BNode =
  | { type: 'int'; value: bigint; start: number; end: number }
  | { type: 'bytes'; value: Uint8Array; start: number; end: number }
  | { type: 'list'; value: BNode[]; start: number; end: number }
  | { type: 'dict'; value: Map<string, BNode>; keys: string[]; start: number; end: number }

export class BencodeError extends Error {
  constructor(
    readonly reason: 'invalid_bencoding' | 'depth_exceeded',
    message: string,
  ) {
    super(message)
    this.name = 'BencodeError'
  }
}

const INT = /^-?(0|[1-9]\d{0,19})$/
const LEN = /^(0|[1-9]\d{0,9})$/
/** Byte-exact: each byte one char (TextDecoder's 'latin1' is really windows-1252, which is not). */
const latin1 = { decode: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1') }

export function bdecode(bytes: Uint8Array, maxDepth = 100): BNode {
  let pos = 0
  const fail = (msg: string): never => {
    throw new BencodeError('invalid_bencoding', `${msg} at byte ${pos}`)
  }
  const readUntil = (stop: number): string => {
    const at = bytes.indexOf(stop, pos)
    if (at < 0 || at - pos > 24) fail('unterminated number')
    const text = latin1.decode(bytes.subarray(pos, at))
    pos = at + 1
    return text
  }
  const node = (depth: number): BNode => {
    if (depth > maxDepth) throw new BencodeError('depth_exceeded', `nesting deeper than ${maxDepth}`)
    const start = pos
    const c = bytes[pos]
    if (c === undefined) return fail('unexpected end')
    if (c === 0x69 /* i */) {
      pos++
      const text = readUntil(0x65 /* e */)
      if (!INT.test(text) || text === '-0') fail(`bad integer "${text}"`)
      return { type: 'int', value: BigInt(text), start, end: pos }
    }
    if (c === 0x6c /* l */) {
      pos++
      const value: BNode[] = []
      while (bytes[pos] !== 0x65) {
        if (pos >= bytes.length) fail('unterminated list')
        value.push(node(depth + 1))
      }
      pos++
      return { type: 'list', value, start, end: pos }
    }
    if (c === 0x64 /* d */) {
      pos++
      const value = new Map<string, BNode>()
      const keys: string[] = []
      while (bytes[pos] !== 0x65) {
        if (pos >= bytes.length) fail('unterminated dictionary')
        const key = node(depth + 1)
        if (key.type !== 'bytes') fail('dictionary key is not a string')
        const name = latin1.decode((key as { value: Uint8Array }).value)
        keys.push(name)
        value.set(name, node(depth + 1))
      }
      pos++
      return { type: 'dict', value, keys, start, end: pos }
    }
    if (c >= 0x30 && c <= 0x39) {
      const text = readUntil(0x3a /* : */)
      if (!LEN.test(text)) fail(`bad string length "${text}"`)
      const length = Number(text)
      if (pos + length > bytes.length) fail('string runs past the end')
      const value = bytes.subarray(pos, pos + length)
      pos += length
      return { type: 'bytes', value, start, end: pos }
    }
    return fail(`unexpected byte 0x${c.toString(16)}`)
  }
  return node(0)
}
