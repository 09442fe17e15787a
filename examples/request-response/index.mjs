// Two libp2p nodes on 127.0.0.1 over TCP + Noise + Yamux, written against js-libp2p 3's public
// API only:
//   1. a request/response protocol on a raw stream: the client sends its request, close()s (it
//      stops sending; reading goes on) and reads the reply to the end;
//   2. the same with length-prefixed messages (lpStream from @libp2p/utils);
//   3. node.services.ping.ping().
// Prints what happened and exits 0; exits 1 on any failure or if it takes longer than TIMEOUT_MS.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'

const UPPER_PROTOCOL = '/example/upper/1.0.0'
const GREET_PROTOCOL = '/example/greet/1.0.0'
const TIMEOUT_MS = 30_000
const MAX_REQUEST_BYTES = 64 * 1024

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const timer = setTimeout(() => {
  console.error(`request-response: no result within ${TIMEOUT_MS} ms`)
  process.exit(1)
}, TIMEOUT_MS)

async function createNode () {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { ping: ping() }
  })
}

/** every byte the remote sends until it closes its side */
async function readToEnd (stream, limit = MAX_REQUEST_BYTES) {
  const chunks = []
  let length = 0
  for await (const chunk of stream) {
    length += chunk.byteLength
    if (length > limit) throw new Error(`more than ${limit} bytes`)
    chunks.push(chunk.subarray())
  }
  const all = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) { all.set(chunk, offset); offset += chunk.byteLength }
  return all
}

/** send, waiting for the stream to drain when it asks to */
async function sendAll (stream, data) {
  if (!stream.send(data)) await stream.onDrain()
}

async function serveUpper (stream) {
  try {
    const request = decoder.decode(await readToEnd(stream))
    await sendAll(stream, encoder.encode(request.toUpperCase()))
    await stream.close()
  } catch (err) {
    stream.abort(err)
  }
}

async function serveGreet (stream) {
  try {
    const messages = lpStream(stream, { maxDataLength: 1024 })
    const name = decoder.decode((await messages.read()).subarray())
    await messages.write(encoder.encode(`hello, ${name}`))
    await messages.unwrap().close()
  } catch (err) {
    stream.abort(err)
  }
}

async function main () {
  const server = await createNode()
  const client = await createNode()
  try {
    await server.handle(UPPER_PROTOCOL, serveUpper)
    await server.handle(GREET_PROTOCOL, serveGreet)
    const [address] = server.getMultiaddrs()
    if (address == null) throw new Error('the server listens on no address')
    console.log(`server ${server.peerId} listening on ${address}`)

    const signal = AbortSignal.timeout(10_000)

    // 1. request, close, read the reply to the end
    const request = 'the quick brown fox jumps over the lazy dog'
    const stream = await client.dialProtocol(address, UPPER_PROTOCOL, { signal })
    await sendAll(stream, encoder.encode(request))
    await stream.close()
    const reply = decoder.decode(await readToEnd(stream))
    if (reply !== request.toUpperCase()) throw new Error(`unexpected reply '${reply}'`)
    console.log(`request/response: sent '${request}', got '${reply}'`)

    // 2. length-prefixed request and reply
    const greetStream = await client.dialProtocol(address, GREET_PROTOCOL, { signal })
    const messages = lpStream(greetStream)
    await messages.write(encoder.encode('example'))
    const greeting = decoder.decode((await messages.read({ signal })).subarray())
    if (greeting !== 'hello, example') throw new Error(`unexpected greeting '${greeting}'`)
    await messages.unwrap().close()
    console.log(`length-prefixed: got '${greeting}'`)

    // 3. ping over the same connection
    const rtt = await client.services.ping.ping(address, { signal })
    if (!Number.isFinite(rtt) || rtt < 0) throw new Error(`ping returned ${rtt}`)
    console.log(`ping: ${rtt.toFixed(2)} ms`)
  } finally {
    await Promise.all([client.stop(), server.stop()])
  }
}

main().then(() => {
  clearTimeout(timer)
  console.log('request-response: ok')
}, (err) => {
  console.error('request-response: failed:', err)
  process.exit(1)
})
