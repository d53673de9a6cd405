/**
 * Serves one PGlite instance to many PostgreSQL wire-protocol clients (`pg`, psql, Hyperdrive
 * in `wrangler dev`), handing the single PGlite session to one client at a time.
 *
 * Why not `@electric-sql/pglite-socket`'s server as is: it interleaves clients message by
 * message. Outside an explicit transaction two `pg` clients sending parameterised queries
 * (Parse/Bind/Execute/Sync) get each other's unnamed statements and portals, and results go
 * to the wrong client (reproduced with pglite-socket 0.2.17). RLS depends on every request
 * seeing only its own `request.jwt.claims`, so we hand the session over only at a protocol
 * boundary where nothing of one client can leak into the next: a ReadyForQuery whose
 * transaction status is idle ('I'). From a client's first message until then — a whole
 * extended-protocol batch, a whole transaction — no other client's message runs.
 *
 * Limits of one shared session, by design of the embedded default: session-level `SET`s and
 * named prepared statements are shared by all clients (our code only uses `set local`,
 * `set_config(…, true)` and unnamed statements); a client that sits in an open transaction
 * blocks the others until it commits, rolls back or disconnects (then we roll it back).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import { SCRAM_MECHANISM, ScramExchange, scramCredential } from './scram-server.ts'

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const PROTOCOL_3 = 196608
const READY_FOR_QUERY = 0x5a // 'Z'
const TERMINATE = 0x58 // 'X'
const SYNC_MESSAGE = new Uint8Array([0x53, 0, 0, 0, 4]) // 'S', length 4
/** Refuse absurd lengths early instead of buffering them. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024

type Frame = { kind: 'startup'; bytes: Uint8Array } | { kind: 'ssl' } | { kind: 'cancel' } | { kind: 'terminate' } | { kind: 'message'; bytes: Uint8Array }

const PASSWORD_MESSAGE = 0x70 // 'p': SASLInitialResponse / SASLResponse

/** A backend message: type byte, int32 length (itself included), body. */
function backendMessage(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5)
  head.write(type, 0, 'latin1')
  head.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

function authenticationMessage(code: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const c = Buffer.alloc(4)
  c.writeInt32BE(code)
  return backendMessage('R', Buffer.concat([c, data]))
}

/** A FATAL ErrorResponse with a SQLSTATE, as PostgreSQL sends before closing a connection it refuses. */
export function fatalError(code: string, message: string): Buffer {
  const field = (t: string, v: string) => Buffer.concat([Buffer.from(t, 'latin1'), Buffer.from(v, 'utf8'), Buffer.from([0])])
  return backendMessage('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', message), Buffer.from([0])]))
}

/** The parameters of a startup packet (user, database, …). */
function startupParameters(bytes: Uint8Array): Map<string, string> {
  const parts = Buffer.from(bytes.subarray(8)).toString('utf8').split('\0')
  const params = new Map<string, string>()
  for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) params.set(parts[i]!, parts[i + 1]!)
  return params
}

/** Cuts whole frontend messages off the front of a buffer; null when the next one is incomplete. */
function takeFrame(buf: Buffer, started: boolean): { frame: Frame; rest: Buffer } | null {
  if (!started) {
    if (buf.length < 8) return null
    const len = buf.readInt32BE(0)
    if (len < 8 || len > 10_000) throw new Error(`invalid startup packet length ${len}`)
    if (buf.length < len) return null
    const code = buf.readInt32BE(4)
    const rest = buf.subarray(len)
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { frame: { kind: 'ssl' }, rest }
    if (code === CANCEL_REQUEST) return { frame: { kind: 'cancel' }, rest }
    if (code !== PROTOCOL_3) throw new Error(`unsupported protocol version ${code}`)
    return { frame: { kind: 'startup', bytes: new Uint8Array(buf.subarray(0, len)) }, rest }
  }
  if (buf.length < 5) return null
  const len = buf.readInt32BE(1)
  if (len < 4 || len > MAX_MESSAGE_BYTES) throw new Error(`invalid message length ${len}`)
  if (buf.length < len + 1) return null
  const rest = buf.subarray(len + 1)
  if (buf[0] === TERMINATE) return { frame: { kind: 'terminate' }, rest }
  return { frame: { kind: 'message', bytes: new Uint8Array(buf.subarray(0, len + 1)) }, rest }
}

/**
 * Follows the backend's message stream across chunks and remembers the transaction status of
 * the last ReadyForQuery, if the stream ended on one.
 */
class ReadyForQueryTracker {
  private header = Buffer.alloc(0)
  private skip = 0
  private type = 0
  private body: number[] = []
  /** 'I' idle, 'T' in transaction, 'E' failed transaction; null if the last message was not ReadyForQuery. */
  status: string | null = null

  push(chunk: Uint8Array): void {
    let i = 0
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i)
        if (this.type === READY_FOR_QUERY) this.body.push(...chunk.subarray(i, i + n))
        this.skip -= n
        i += n
        if (this.skip === 0 && this.type === READY_FOR_QUERY) this.status = String.fromCharCode(this.body[0] ?? 0)
        continue
      }
      const need = 5 - this.header.length
      const take = Math.min(need, chunk.length - i)
      this.header = Buffer.concat([this.header, chunk.subarray(i, i + take)])
      i += take
      if (this.header.length === 5) {
        this.type = this.header[0] ?? 0
        this.skip = this.header.readInt32BE(1) - 4
        this.header = Buffer.alloc(0)
        this.body = []
        this.status = null
      }
    }
  }
}

/** FIFO hand-over of the single PGlite session between connections. */
class SessionTurns {
  private owner: object | null = null
  private waiting: Array<{ who: object; go: () => void }> = []

  async take(who: object): Promise<void> {
    if (this.owner === who) return
    if (this.owner === null) {
      this.owner = who
      return
    }
    await new Promise<void>((go) => this.waiting.push({ who, go }))
  }

  holds(who: object): boolean {
    return this.owner === who
  }

  get holder(): object | null {
    return this.owner
  }

  give(who: object): void {
    if (this.owner !== who) return
    const next = this.waiting.shift()
    this.owner = next?.who ?? null
    next?.go()
  }

  forget(who: object): void {
    this.waiting = this.waiting.filter((w) => w.who !== who)
  }

  get queued(): number {
    return this.waiting.length
  }
}

export interface PgliteWireServerOptions {
  db: PGlite
  host?: string
  /** 0 picks a free port. */
  port?: number
  /**
   * Connections beyond this are refused at once with 53300 (the Worker opens one per request, so a
   * burst of requests is a burst of connections; they queue for the one session instead).
   */
  maxConnections?: number
  /**
   * A client that holds the session inside a transaction and sends nothing for this long while
   * others wait is disconnected (its transaction rolled back) — PostgreSQL's
   * idle_in_transaction_session_timeout. A request cancelled halfway (a closed browser tab) must
   * not stall everyone else. Default 10 s.
   */
  idleHoldTimeoutMs?: number
  /**
   * Login user → password. Every client must prove one with SCRAM-SHA-256 before its startup
   * reaches PGlite; unknown users and wrong passwords get PostgreSQL's 28P01.
   */
  logins: Record<string, string>
  onError?: (err: Error) => void
}

export interface PgliteWireServer {
  readonly host: string
  readonly port: number
  /** `postgres://` URL for clients, with the first login's user and password. */
  readonly url: string
  connections(): number
  stop(): Promise<void>
}

export async function startPgliteWireServer(opts: PgliteWireServerOptions): Promise<PgliteWireServer> {
  const { db } = opts
  const host = opts.host ?? '127.0.0.1'
  const maxConnections = opts.maxConnections ?? 1000
  const turns = new SessionTurns()
  const sockets = new Set<Socket>()
  const idleHoldTimeoutMs = opts.idleHoldTimeoutMs ?? 10_000
  const credentials = new Map(Object.entries(opts.logins).map(([user, password]) => [user, scramCredential(password)]))
  if (credentials.size === 0) throw new Error('the wire server needs at least one login')
  /** Each connection's socket and when it last sent a message. */
  const activity = new Map<object, { socket: Socket; last: number }>()
  const watchdog = setInterval(
    () => {
      const holder = turns.holder
      const held = holder ? activity.get(holder) : undefined
      if (held && turns.queued > 0 && Date.now() - held.last > idleHoldTimeoutMs) {
        opts.onError?.(new Error(`a client held the database session idle in a transaction for over ${idleHoldTimeoutMs} ms while others waited; disconnected it`))
        held.socket.destroy()
      }
    },
    Math.min(1000, Math.max(20, idleHoldTimeoutMs / 4)),
  )
  watchdog.unref()

  async function run(message: Uint8Array, socket: Socket): Promise<string | null> {
    const tracker = new ReadyForQueryTracker()
    await db.runExclusive(() =>
      db.execProtocolRawStream(message, {
        onRawData: (data: Uint8Array) => {
          tracker.push(data)
          if (!socket.destroyed) socket.write(Buffer.from(data))
        },
      }),
    )
    return tracker.status
  }

  /** A client that left while holding the session must not leave it mid-batch or mid-transaction. */
  async function cleanUpAfter(conn: object): Promise<void> {
    turns.forget(conn)
    if (!turns.holds(conn)) return
    try {
      await db.runExclusive(() => db.execProtocolRaw(SYNC_MESSAGE))
      if (db.isInTransaction()) await db.exec('rollback')
    } catch (err) {
      opts.onError?.(err as Error)
    } finally {
      turns.give(conn)
    }
  }

  function serve(socket: Socket): void {
    const conn = {}
    activity.set(conn, { socket, last: Date.now() })
    let buffered: Buffer = Buffer.alloc(0)
    let started = false
    let pumping = false
    let closed = false
    /** Until the password is proven: the startup packet held back, and the SCRAM exchange. */
    let login: { user: string; startup: Uint8Array; exchange: ScramExchange; step: 'initial' | 'final' } | null = null
    let authenticated = false

    const refuseLogin = (user: string) => {
      // Flushed, then closed from our side too: a client that never closes its end holds nothing.
      socket.end(fatalError('28P01', `password authentication failed for user "${user}"`), () => socket.destroy())
      closed = true
    }

    /** One SASL message of the login; true once the client is in (its startup then goes to PGlite). */
    function advanceLogin(bytes: Uint8Array): boolean {
      const l = login!
      const body = Buffer.from(bytes.subarray(5))
      if (bytes[0] !== PASSWORD_MESSAGE) {
        refuseLogin(l.user)
        return false
      }
      if (l.step === 'initial') {
        const nul = body.indexOf(0)
        const mechanism = body.subarray(0, nul).toString('latin1')
        const length = nul >= 0 && body.length >= nul + 5 ? body.readInt32BE(nul + 1) : -1
        const step = mechanism === SCRAM_MECHANISM && length >= 0 ? l.exchange.first(body.subarray(nul + 5, nul + 5 + length).toString('utf8')) : null
        if (!step?.ok) {
          refuseLogin(l.user)
          return false
        }
        l.step = 'final'
        socket.write(authenticationMessage(11, Buffer.from(step.reply, 'utf8')))
        return false
      }
      const step = l.exchange.final(body.toString('utf8'))
      if (!step.ok) {
        refuseLogin(l.user)
        return false
      }
      socket.write(authenticationMessage(12, Buffer.from(step.reply, 'utf8')))
      authenticated = true
      return true
    }

    async function pump(): Promise<void> {
      if (pumping) return
      pumping = true
      try {
        for (;;) {
          if (closed) return
          const next = takeFrame(buffered, started)
          if (!next) return
          buffered = next.rest
          activity.get(conn)!.last = Date.now()
          const { frame } = next
          if (frame.kind === 'ssl') {
            socket.write('N') // no TLS on loopback
            continue
          }
          if (frame.kind === 'cancel') {
            // PGlite has no backend to signal; the protocol expects no answer.
            socket.end()
            return
          }
          if (frame.kind === 'terminate') {
            socket.end()
            return
          }
          let toRun = frame.bytes
          if (frame.kind === 'startup') {
            started = true
            const user = startupParameters(frame.bytes).get('user') ?? ''
            login = { user, startup: frame.bytes, exchange: new ScramExchange(credentials.get(user)), step: 'initial' }
            // AuthenticationSASL: the one mechanism we offer.
            socket.write(authenticationMessage(10, Buffer.from(`${SCRAM_MECHANISM}\0\0`, 'latin1')))
            continue
          }
          if (!authenticated) {
            if (!login || !advanceLogin(frame.bytes)) {
              if (!login) socket.destroy()
              continue
            }
            // In: now PGlite gets the startup and answers AuthenticationOk, parameters, ReadyForQuery.
            toRun = login.startup
          }
          await turns.take(conn)
          if (closed) return
          const status = await run(toRun, socket)
          if (status === 'I') turns.give(conn)
        }
      } catch (err) {
        opts.onError?.(err as Error)
        socket.destroy()
      } finally {
        pumping = false
      }
    }

    socket.setNoDelay(true)
    socket.on('data', (data) => {
      buffered = buffered.length ? Buffer.concat([buffered, data]) : data
      void pump()
    })
    socket.on('error', () => socket.destroy())
    socket.on('close', () => {
      closed = true
      sockets.delete(socket)
      activity.delete(conn)
      // Wait for a message in flight to finish before cleaning up after it.
      const finish = () => (pumping ? setTimeout(finish, 5) : void cleanUpAfter(conn))
      finish()
    })
  }

  const server: Server = createServer((socket) => {
    if (sockets.size >= maxConnections) {
      // PostgreSQL's own answer, so a client fails at once with a clear error instead of
      // waiting on a socket that vanished.
      socket.on('error', () => {})
      socket.end(fatalError('53300', 'sorry, too many clients already'), () => socket.destroy())
      return
    }
    sockets.add(socket)
    serve(socket)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port

  return {
    host,
    port,
    url: (() => {
      const [user, password] = Object.entries(opts.logins)[0]!
      return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/postgres`
    })(),
    connections: () => sockets.size,
    async stop() {
      clearInterval(watchdog)
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      // Let close handlers roll back what the clients left open.
      while (turns.queued > 0 || sockets.size > 0) await new Promise((r) => setTimeout(r, 5))
    },
  }
}
