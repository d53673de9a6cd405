/**
 * Reads an untrusted .torrent file (BEP 3, BEP 47 attributes, BEP 52 v2 and hybrids) into our
 * types, refusing what libtorrent refuses, with its reason. Every file path comes out relative
 * and safe: no empty, "." or ".." elements, no separators or control characters inside an
 * element, duplicates renamed — so no path from a torrent can point outside where it is put.
 */
import { createHash } from 'node:crypto'
import { bdecode, BencodeError, type BNode } from './bdecode.ts'

export type TorrentFileError =
  | 'invalid_bencoding'
  | 'depth_exceeded'
  | 'torrent_is_no_dict'
  | 'torrent_missing_info'
  | 'torrent_missing_piece_length'
  | 'torrent_missing_name'
  | 'torrent_invalid_name'
  | 'torrent_invalid_length'
  | 'torrent_missing_pieces'
  | 'torrent_invalid_hashes'
  | 'too_many_pieces_in_torrent'
  | 'no_files_in_torrent'
  | 'torrent_inconsistent_files'
  | 'torrent_file_parse_failed'
  | 'torrent_invalid_piece_layer'
  | 'torrent_missing_pieces_root'
  | 'torrent_invalid_pad_file'
  | 'too_many_duplicate_filenames'

export class InvalidTorrentError extends Error {
  constructor(
    readonly reason: TorrentFileError,
    message: string,
  ) {
    super(message)
    this.name = 'InvalidTorrentError'
  }
}

export interface TorrentFileEntry {
  /** Relative to the torrent's root folder, '/'-separated, safe. */
  path: string
  length: number
  pad: boolean
  symlink: string | null
}

export interface TorrentMetainfo {
  /** v1 info hash (SHA-1, hex); null for a v2-only torrent. */
  infoHash: string | null
  /** v2 info hash (SHA-256, hex) for v2 and hybrid torrents. */
  infoHashV2: string | null
  name: string
  pieceLength: number
  length: number
  files: TorrentFileEntry[]
  announce: string[]
  urlList: string[]
}

/** libtorrent's default limit on pieces; beyond it a torrent is refused. */
const MAX_PIECES = 0x200000
/**
 * libtorrent's limit on name collisions met while renaming duplicates, counted over the whole
 * torrent (so it grows with the square of the copies of one name).
 */
const MAX_DUPLICATE_COLLISIONS = 500
/** BEP 52 files above 2^52 bytes are refused (libtorrent's cap on file offsets). */
const MAX_FILE_SIZE = 2 ** 52 - 1
const BLOCK = 16 * 1024
const MAX_V2_FILE_BLOCKS = 2n ** 30n - 1n

const utf8 = new TextDecoder('utf-8', { fatal: false })
function fail(reason: TorrentFileError, message: string): never {
  throw new InvalidTorrentError(reason, message)
}

const asDict = (n: BNode | undefined) => (n?.type === 'dict' ? n : null)
const asInt = (n: BNode | undefined) => (n?.type === 'int' ? n.value : null)
const asBytes = (n: BNode | undefined) => (n?.type === 'bytes' ? n.value : null)
const asText = (n: BNode | undefined) => {
  const b = asBytes(n)
  return b ? utf8.decode(b) : null
}

/** One path element made safe: separators and control characters become '_'; '.'/'..' and empty become null. */
function cleanElement(raw: string): string | null {
  // A leading separator (an absolute path) is dropped; any other becomes '_', as do control characters.
  const cleaned = raw.replace(/^[/\\]+/, '').replace(/[\u0000-\u001f\u007f/\\]/g, '_')
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return null
  return cleaned
}

function cleanPath(elements: string[]): string {
  return elements
    .map(cleanElement)
    .filter((e): e is string => e !== null)
    .join('/')
}

function pathList(entry: Map<string, BNode>, key: string): string[] | null {
  const list = entry.get(`${key}.utf-8`) ?? entry.get(key)
  if (list === undefined) return null
  if (list.type !== 'list') return fail('torrent_invalid_name', `"${key}" is not a list`)
  return list.value.map((e) => asText(e) ?? fail('torrent_invalid_name', `"${key}" holds something other than strings`))
}

function toNumber(v: bigint, what: string): number {
  if (v < 0n || v > BigInt(MAX_FILE_SIZE)) fail('torrent_invalid_length', `${what} is out of range`)
  return Number(v)
}

interface RawFile {
  elements: string[]
  length: number
  pad: boolean
  symlink: string | null
  root: Uint8Array | null
}

function readV1Files(info: Map<string, BNode>): RawFile[] {
  const list = info.get('files')
  if (list === undefined) {
    const length = asInt(info.get('length'))
    if (length === null) return fail('torrent_invalid_length', 'single-file torrent without a length')
    return [{ elements: [], length: toNumber(length, 'the length'), pad: false, symlink: null, root: null }]
  }
  if (list.type !== 'list') return fail('torrent_file_parse_failed', '"files" is not a list')
  if (list.value.length === 0) return fail('no_files_in_torrent', 'the torrent lists no files')
  return list.value.map((item, i) => {
    const entry = asDict(item)?.value ?? fail('torrent_file_parse_failed', `file ${i} is not a dictionary`)
    const attr = asText(entry.get('attr')) ?? ''
    const length = asInt(entry.get('length')) ?? (attr.includes('l') ? 0n : fail('torrent_invalid_length', `file ${i} has no length`))
    const pad = attr.includes('p')
    let elements = pathList(entry, 'path')
    if (elements === null) {
      if (!pad) return fail('torrent_missing_name', `file ${i} has no path`)
      elements = ['.pad', String(length)]
    }
    let symlink: string | null = null
    if (attr.includes('l')) {
      const target = pathList(entry, 'symlink path') ?? fail('torrent_invalid_name', `symlink ${i} has no target`)
      symlink = cleanPath(target)
    }
    return { elements, length: symlink !== null ? 0 : toNumber(length, `file ${i}'s length`), pad, symlink, root: null }
  })
}

function readV2Tree(tree: BNode, prefix: string[], out: RawFile[]): void {
  if (tree.type !== 'dict') fail('torrent_file_parse_failed', 'the file tree holds something other than dictionaries')
  for (let i = 1; i < tree.keys.length; i++) {
    if (tree.keys[i - 1]! >= tree.keys[i]!) fail('invalid_bencoding', 'the file tree is not in sorted order')
  }
  for (const [name, child] of tree.value) {
    if (name === '') {
      const leaf = asDict(child)?.value ?? fail('torrent_file_parse_failed', 'a file entry is not a dictionary')
      if (prefix.length === 0) fail('torrent_file_parse_failed', 'a file without a name')
      const length = asInt(leaf.get('length'))
      if (length === null) fail('torrent_file_parse_failed', 'a file without a length')
      const attr = asText(leaf.get('attr')) ?? ''
      if (attr.includes('p')) fail('torrent_invalid_pad_file', 'v2 file trees cannot hold pad files')
      const symlink = attr.includes('l') ? cleanPath(pathList(leaf, 'symlink path') ?? fail('torrent_invalid_name', 'a symlink without a target')) : null
      // libtorrent indexes a file's merkle tree by block with 32-bit ints; beyond that it refuses.
      if (length / BigInt(BLOCK) >= MAX_V2_FILE_BLOCKS) fail('torrent_invalid_length', `"${prefix.join('/')}" is too large`)
      const size = toNumber(length, 'a file length')
      const root = asBytes(leaf.get('pieces root'))
      if (symlink === null && size > 0) {
        if (root?.length !== 32) fail('torrent_missing_pieces_root', `"${prefix.join('/')}" has no pieces root`)
        if (root!.every((b) => b === 0)) fail('torrent_missing_pieces_root', `"${prefix.join('/')}" has an all-zero pieces root`)
      }
      if (tree.value.size > 1) fail('torrent_file_parse_failed', 'a name is both a file and a folder')
      out.push({ elements: prefix, length: symlink !== null ? 0 : size, pad: false, symlink, root })
      continue
    }
    if (child.type !== 'dict') fail('torrent_file_parse_failed', 'the file tree holds something other than dictionaries')
    readV2Tree(child, [...prefix, name], out)
  }
}

/** Root of a zero-filled piece: what pads a piece layer to a power of two (BEP 52). */
function padHash(pieceLength: number): Buffer {
  let h = Buffer.alloc(32)
  for (let size = BLOCK; size < pieceLength; size *= 2)
    h = createHash('sha256')
      .update(Buffer.concat([h, h]))
      .digest()
  return h
}

function merkleRoot(leaves: Buffer[], pad: Buffer): Buffer {
  let level = leaves
  let padding = pad
  let width = 1
  while (width < level.length) width *= 2
  level = [...level, ...Array<Buffer>(width - level.length).fill(padding)]
  while (level.length > 1) {
    const next: Buffer[] = []
    for (let i = 0; i < level.length; i += 2)
      next.push(
        createHash('sha256')
          .update(Buffer.concat([level[i]!, level[i + 1]!]))
          .digest(),
      )
    level = next
    padding = createHash('sha256')
      .update(Buffer.concat([padding, padding]))
      .digest()
  }
  return level[0]!
}

function checkPieceLayers(layers: BNode | undefined, files: RawFile[], pieceLength: number): void {
  if (layers === undefined) return
  const dict = asDict(layers) ?? fail('torrent_invalid_piece_layer', '"piece layers" is not a dictionary')
  const byRoot = new Map(files.filter((f) => f.root).map((f) => [Buffer.from(f.root!).toString('hex'), f]))
  const pad = padHash(pieceLength)
  for (const [key, value] of dict.value) {
    const rootHex = Buffer.from(key, 'latin1').toString('hex')
    const file = byRoot.get(rootHex) ?? fail('torrent_invalid_piece_layer', 'a piece layer for no file of this torrent')
    const layer = asBytes(value) ?? fail('torrent_invalid_piece_layer', 'a piece layer is not a string')
    if (layer.length % 32 !== 0) fail('torrent_invalid_piece_layer', 'a piece layer is not a whole number of hashes')
    if (file.length <= pieceLength || layer.length / 32 !== Math.ceil(file.length / pieceLength)) fail('torrent_invalid_piece_layer', 'a piece layer has the wrong number of hashes')
    const leaves = Array.from({ length: layer.length / 32 }, (_, i) => Buffer.from(layer.subarray(i * 32, i * 32 + 32)))
    if (!merkleRoot(leaves, pad).equals(Buffer.from(file.root!))) fail('torrent_invalid_piece_layer', "a piece layer does not hash to its file's root")
  }
}

/** Renames the second `a/b.txt` to `a/b.1.txt`, and so on, as libtorrent does. */
function dedupe(paths: string[]): string[] {
  const seen = new Set<string>()
  let collisions = 0
  return paths.map((p) => {
    if (!seen.has(p)) {
      seen.add(p)
      return p
    }
    const dot = p.lastIndexOf('.')
    const slash = p.lastIndexOf('/')
    const [stem, ext] = dot > slash + 1 ? [p.slice(0, dot), p.slice(dot)] : [p, '']
    for (let n = 1; ; n++) {
      if (++collisions > MAX_DUPLICATE_COLLISIONS) fail('too_many_duplicate_filenames', `too many files named "${p}"`)
      const candidate = `${stem}.${n}${ext}`
      if (!seen.has(candidate)) {
        seen.add(candidate)
        return candidate
      }
    }
  })
}

export function readTorrentFile(bytes: Uint8Array): TorrentMetainfo {
  let root: BNode
  try {
    root = bdecode(bytes)
  } catch (err) {
    if (err instanceof BencodeError) return fail(err.reason, err.message)
    throw err
  }
  const top = asDict(root) ?? fail('torrent_is_no_dict', 'a .torrent file is a dictionary')
  const infoNode = asDict(top.value.get('info')) ?? fail('torrent_missing_info', 'the torrent has no info dictionary')
  const info = infoNode.value
  const infoBytes = bytes.subarray(infoNode.start, infoNode.end)

  const pl = asInt(info.get('piece length'))
  if (pl === null || pl <= 0n || pl > 2n ** 31n) return fail('torrent_missing_piece_length', 'the piece length is missing or not positive')
  const pieceLength = Number(pl)
  const v2 = asInt(info.get('meta version')) === 2n
  const hasV1 = info.has('pieces')
  if (v2 && (pieceLength < BLOCK || (pieceLength & (pieceLength - 1)) !== 0)) fail('torrent_missing_piece_length', 'v2 piece lengths are powers of two of at least 16 KiB')

  const infoHash = hasV1 || !v2 ? createHash('sha1').update(infoBytes).digest('hex') : null
  const infoHashV2 = v2 ? createHash('sha256').update(infoBytes).digest('hex') : null

  const rawName = asText(info.get('name.utf-8')) ?? asText(info.get('name'))
  if (rawName === null) return fail('torrent_missing_name', 'the torrent has no name')
  if (rawName.includes('\u0000')) fail('torrent_missing_name', 'the torrent name holds NUL bytes')
  const name = cleanElement(rawName) ?? (infoHash ?? infoHashV2)!

  let files: RawFile[]
  if (v2) {
    files = []
    readV2Tree(info.get('file tree') ?? fail('torrent_file_parse_failed', 'a v2 torrent without a file tree'), [], files)
    if (files.length === 0) fail('no_files_in_torrent', 'the torrent lists no files')
    if (hasV1) {
      // A hybrid's v1 files, pad files aside, must be the v2 tree's files, each starting on a piece.
      const v1 = readV1Files(info)
      const real = v1.filter((f) => !f.pad)
      // A single-file v1 part names its one file by the torrent's name.
      const v1Path = (f: RawFile) => (info.has('files') ? cleanPath(f.elements) : cleanPath([rawName]))
      const same = real.length === files.length && real.every((f, i) => f.length === files[i]!.length && v1Path(f) === cleanPath(files[i]!.elements))
      let offset = 0
      let aligned = true
      for (const f of v1) {
        if (!f.pad && f.length > 0 && offset % pieceLength !== 0) aligned = false
        offset += f.length
      }
      if (!same || !aligned) fail('torrent_inconsistent_files', "the hybrid's v1 and v2 file lists differ")
    }
  } else {
    files = readV1Files(info)
  }

  const length = files.reduce((sum, f) => sum + f.length, 0)
  if (length <= 0) fail('torrent_invalid_length', 'the torrent is empty')
  if (!Number.isSafeInteger(length)) fail('torrent_invalid_length', 'the torrent is too large')
  const pieceCount = Math.ceil(length / pieceLength)
  if (pieceCount > MAX_PIECES) fail('too_many_pieces_in_torrent', `${pieceCount} pieces is more than ${MAX_PIECES}`)
  if (hasV1) {
    const pieces = asBytes(info.get('pieces')) ?? fail('torrent_missing_pieces', '"pieces" is not a string')
    if (pieces.length % 20 !== 0) fail('torrent_invalid_hashes', 'the piece hashes are not a whole number of SHA-1s')
  }
  if (v2) checkPieceLayers(top.value.get('piece layers'), files, pieceLength)

  const single = !v2 && !info.has('files')
  const paths = dedupe(files.map((f) => (single ? name : cleanPath(f.elements) || '_')))
  const announce = [
    ...new Set(
      [
        asText(top.value.get('announce')),
        ...(top.value.get('announce-list')?.type === 'list'
          ? (top.value.get('announce-list') as { value: BNode[] }).value.flatMap((tier) => (tier.type === 'list' ? tier.value.map(asText) : []))
          : []),
      ]
        .filter((u): u is string => !!u)
        .map((u) => u.trim())
        .filter(Boolean),
    ),
  ]
  const urlNode = top.value.get('url-list')
  const urlList = [...new Set((urlNode?.type === 'list' ? urlNode.value.map(asText) : [asText(urlNode)]).filter((u): u is string => !!u).map((u) => u.trim().replace(/ /g, '%20')))]

  return {
    infoHash,
    infoHashV2,
    name,
    pieceLength,
    length,
    files: files.map((f, i) => ({ path: paths[i]!, length: f.length, pad: f.pad, symlink: f.symlink })),
    announce,
    urlList,
  }
}
