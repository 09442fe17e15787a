/* eslint-disable no-console */
/**
 * Two nodes in one process over the memory transport: a listener and a dialer exchange a
 * message. A recording upgrader hands over the raw connections (no encryption, no muxer), so
 * what is printed is exactly what the transport carried. Run with `npm run demo` at the root.
 */
import { RecordingUpgrader, rawConnection } from '@libp2p/interface-compliance-tests/transport'
import { multiaddr } from '@multiformats/multiaddr'
import { Uint8ArrayList } from 'uint8arraylist'
import { memory } from '../src/index.js'
import type { MultiaddrConnection } from '@libp2p/interface'

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const LATENCY_MS = 10

async function readText (maConn: MultiaddrConnection): Promise<string> {
  const all = new Uint8ArrayList()
  for await (const chunk of maConn) { all.append(chunk) }
  return decoder.decode(all.subarray())
}

const alice = memory({ latencyMs: LATENCY_MS })({})
const bob = memory({ latencyMs: LATENCY_MS })({})
const addr = multiaddr('/memory/bob')

const listener = bob.createListener({ upgrader: new RecordingUpgrader() })
listener.addEventListener('listening', () => {
  console.log(`bob:   listening on ${listener.getAddrs().join(', ')}`)
})
const replied = new Promise<void>((resolve, reject) => {
  listener.addEventListener('connection', (evt) => {
    const maConn = rawConnection(evt.detail)
    console.log(`bob:   accepted ${maConn.id} from ${maConn.remoteAddr.toString()}`)
    readText(maConn)
      .then(async (text) => {
        console.log(`bob:   received "${text}"`)
        maConn.send(encoder.encode(`hello alice, bob got ${text.length} characters`))
        await maConn.closeWrite()
        resolve()
      })
      .catch(reject)
  })
})
await listener.listen(addr)

const started = Date.now()
const connection = await alice.dial(addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(5000) })
const maConn = rawConnection(connection)
console.log(`alice: connected to ${maConn.remoteAddr.toString()} as ${maConn.id} (${connection.direction})`)
maConn.send(encoder.encode('hello bob'))
await maConn.closeWrite()
console.log('alice: sent "hello bob" and closed her write side')
console.log(`alice: received "${await readText(maConn)}" after ${Date.now() - started} ms (${LATENCY_MS} ms one way)`)
await replied
console.log(`alice: connection ${maConn.status}`)

await listener.close()
console.log(`bob:   listener closed, addresses now [${listener.getAddrs().join(', ')}]`)
