import { createServer, type AddressInfo } from 'node:net'

// Ports are picked below Linux's ephemeral range (32768–60999): the kernel hands those out to
// outgoing connections and to listeners on port 0 (webtorrent, the database clients), so a port
// taken from there could be gone by the time the process it was picked for binds it — which is
// how a wrangler start once failed with "Address already in use" after a long build.
const LOW = 20_000
const HIGH = 32_767
const handedOut = new Set<number>()

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(null))
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo
      server.close(() => resolve(bound))
    })
  })
}

/** A port on 127.0.0.1 that was free a moment ago, outside the kernel's ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = LOW + Math.floor(Math.random() * (HIGH - LOW))
    if (handedOut.has(candidate)) continue
    const port = await tryListen(candidate)
    if (port !== null) {
      handedOut.add(port)
      return port
    }
  }
  // Everything tried was taken: let the kernel choose.
  const port = (await tryListen(0))!
  handedOut.add(port)
  return port
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export async function isListening(port: number): Promise<boolean> {
  const { connect } = await import('node:net')
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
