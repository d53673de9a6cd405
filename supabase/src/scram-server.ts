/**
 * The server side of SCRAM-SHA-256 (RFC 5802 / RFC 7677), as PostgreSQL runs it for password
 * logins: what the embedded database's wire server asks of every client, so a process on the
 * same machine that does not hold the password cannot connect. The password never crosses the
 * socket; channel binding is not offered (loopback, no TLS), so a client asking for it is
 * refused. Written here because no maintained npm package implements the server side; the
 * client side is `pg`'s own (pg/lib/crypto/sasl.js), which the tests use against this.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'

export const SCRAM_MECHANISM = 'SCRAM-SHA-256'
const ITERATIONS = 4096

interface StoredCredential {
  salt: Buffer
  storedKey: Buffer
  serverKey: Buffer
}

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest()
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest()

/** What the server keeps of a password (as PostgreSQL's pg_authid does): never the password. */
export function scramCredential(password: string, salt: Buffer = randomBytes(16)): StoredCredential {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256')
  return { salt, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') }
}

function attributes(message: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq === 1) map.set(part[0]!, part.slice(2))
  }
  return map
}

export type ScramStep = { ok: true; reply: string } | { ok: false; reason: string }

/**
 * One login's exchange. A user we do not know gets a credential of a random password, so the
 * exchange looks the same and fails at the same step: the answer never tells which users exist.
 */
export class ScramExchange {
  private readonly credential: StoredCredential
  private readonly known: boolean
  private clientFirstBare = ''
  private serverFirst = ''
  private nonce = ''

  constructor(credential: StoredCredential | undefined) {
    this.known = credential !== undefined
    this.credential = credential ?? scramCredential(randomBytes(24).toString('base64'))
  }

  /** The client's first message (`n,,n=…,r=<nonce>`) → the server's first message. */
  first(clientFirst: string): ScramStep {
    if (!clientFirst.startsWith('n,,') && !clientFirst.startsWith('y,,')) return { ok: false, reason: 'channel binding is not supported' }
    this.clientFirstBare = clientFirst.slice(3)
    const clientNonce = attributes(this.clientFirstBare).get('r')
    if (!clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) return { ok: false, reason: 'malformed client nonce' }
    this.nonce = clientNonce + randomBytes(18).toString('base64')
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${ITERATIONS}`
    return { ok: true, reply: this.serverFirst }
  }

  /** The client's final message (`c=…,r=…,p=<proof>`) → the server's signature, if the proof holds. */
  final(clientFinal: string): ScramStep {
    const attrs = attributes(clientFinal)
    const proofAt = clientFinal.lastIndexOf(',p=')
    if (!this.nonce || proofAt < 0 || attrs.get('r') !== this.nonce) return { ok: false, reason: 'malformed final message' }
    const withoutProof = clientFinal.slice(0, proofAt)
    const proof = Buffer.from(attrs.get('p') ?? '', 'base64')
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`
    const clientSignature = hmac(this.credential.storedKey, authMessage)
    if (proof.length !== clientSignature.length) return { ok: false, reason: 'wrong password' }
    const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]!))
    const matches = timingSafeEqual(sha256(clientKey), this.credential.storedKey)
    if (!matches || !this.known) return { ok: false, reason: 'wrong password' }
    return { ok: true, reply: `v=${hmac(this.credential.serverKey, authMessage).toString('base64')}` }
  }
}
