import { disabledLogger, encodeVarint } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { MAX_MESSAGE_SIZE_BYTES } from '../src/constants.js'
import { encodeFrame } from '../src/framing.js'
import { DataChannelMuxer, EarlyChannels } from '../src/muxer.js'
import { Message } from '../src/pb/message.js'
import { WebRTCConnection } from '../src/webrtc-connection.js'
import { cleanupWebRTC } from './fixtures/cleanup.js'
import { connectedPair } from './fixtures/peer-connections.js'
import { echo, readAll } from './fixtures/streams.js'
import type { DataChannelOptions } from '../src/stream.js'
import type { PeerConnectionPair } from './fixtures/peer-connections.js'
import type { Stream } from '@libp2p/interface'

interface Muxers {
  pair: PeerConnectionPair
  a: DataChannelMuxer
  b: DataChannelMuxer
  /** the channel messages A's channels sent, by size */
  sentSizes: number[]
  /** each A channel's bufferedAmount before each data message it sent */
  bufferedBeforeSend: number[]
  /** the channel messages B's channels delivered, by size, as the channel handed them over */
  receivedSizes: number[]
}

function muxer (pc: RTCPeerConnection, direction: 'inbound' | 'outbound', dataChannel: DataChannelOptions = {}): DataChannelMuxer {
  const log = disabledLogger()
  const connection = new WebRTCConnection({ peerConnection: pc, remoteAddr: multiaddr('/ip4/127.0.0.1/udp/9/webrtc'), direction, log })
  return new DataChannelMuxer({ connection, peerConnection: pc, log, dataChannel })
}

async function muxers (dataChannel: DataChannelOptions = {}, remote: DataChannelOptions = {}): Promise<Muxers> {
  const pair = await connectedPair()
  const sentSizes: number[] = []
  const bufferedBeforeSend: number[] = []
  // record every message A's stream channels send
  const create = pair.a.createDataChannel.bind(pair.a)
  pair.a.createDataChannel = (label: string, init?: RTCDataChannelInit) => {
    const channel = create(label, init)
    const send = channel.send.bind(channel) as (data: Uint8Array) => void
    channel.send = ((data: Uint8Array) => {
      // data messages only: flags (3 bytes) are sent past the limit
      if (data.byteLength > 3) { bufferedBeforeSend.push(channel.bufferedAmount) }
      sentSizes.push(data.byteLength)
      send(data)
    }) as typeof channel.send
    return channel
  }
  // and every message B's channels deliver: a count below A's says the loss is under our code
  const receivedSizes: number[] = []
  pair.b.addEventListener('datachannel', (evt) => {
    evt.channel.addEventListener('message', (msg) => { receivedSizes.push((msg.data as ArrayBuffer).byteLength) })
  })
  return { pair, a: muxer(pair.a, 'outbound', dataChannel), b: muxer(pair.b, 'inbound', remote), sentSizes, bufferedBeforeSend, receivedSizes }
}

/** each stream's close error, recorded from the start: a stream may end before the test looks */
const ends = new WeakMap<Stream, Promise<Error | undefined>>()

function track (stream: Stream): Stream {
  ends.set(stream, new Promise(resolve => {
    stream.addEventListener('close', (evt) => { resolve(evt.detail.error) }, { once: true })
  }))
  return stream
}

async function nextStream (m: DataChannelMuxer): Promise<Stream> {
  return new Promise(resolve => {
    m.addEventListener('stream', (evt) => { resolve(track(evt.detail)) }, { once: true })
  })
}

async function createStream (m: DataChannelMuxer): Promise<Stream> {
  return track(await m.createStream())
}

async function closed (stream: Stream): Promise<Error | undefined> {
  const end = ends.get(stream)
  if (end == null) { throw new TypeError('untracked stream') }
  return end
}

/** `n` bytes of 32-bit words counting up from word `at / 4`: a lost or misplaced message shows where */
function numbered (at: number, n: number): Uint8Array<ArrayBuffer> {
  const words = new Uint32Array(n / 4)
  for (let i = 0; i < words.length; i++) { words[i] = at / 4 + i }
  return new Uint8Array(words.buffer)
}

function firstDifference (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < n; i++) { if (a[i] !== b[i]) { return i } }
  return a.byteLength === b.byteLength ? -1 : n
}

function bytes (n: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff)
}

describe('data-channel streams over real RTCPeerConnections', function () {
  this.timeout(20_000)
  let m: Muxers | undefined

  afterEach(() => {
    m?.a.abort(new Error('test over'))
    m?.b.abort(new Error('test over'))
    m?.pair.close()
    m = undefined
  })

  after(() => { cleanupWebRTC() })

  it('echoes 1 MiB on one stream, in messages of at most maxMessageSize bytes, and both ends close cleanly', async function () {
    // node-datachannel 0.33.4 (libdatachannel) now and then hands over a channel's messages out of
    // the order they were sent (one 16 KiB message 20-30 places late, early in the stream; about
    // 1 run in 10 of this test under Node 24, fewer under Node 20; docs/LIMITS.md). The test checks
    // every byte; one more run keeps that upstream fault from failing the build alone, while a
    // fault of ours, which would repeat, still fails it. The divergence is printed either way.
    this.retries(1)
    m = await muxers()
    const inbound = nextStream(m.b)
    const stream = await createStream(m.a)
    const data = bytes(1024 * 1024)
    const sending = (async () => {
      for (let at = 0; at < data.byteLength; at += 100_000) {
        if (!stream.send(data.subarray(at, at + 100_000))) { await stream.onDrain() }
      }
      await stream.closeWrite()
    })()
    const remote = await inbound
    void echo(remote)
    const [, answer] = await Promise.all([sending, readAll(stream)])
    const at = firstDifference(answer, data)
    if (at >= 0) {
      // eslint-disable-next-line no-console
      console.warn(`echo diverged at byte ${at} of ${answer.byteLength}; A's channel sent messages of ${m.sentSizes.join(',')}; B's delivered ${m.receivedSizes.join(',')}`)
    }
    expect(at, 'first byte that differs').to.equal(-1)
    expect(answer).to.deep.equal(data)
    expect(await closed(stream)).to.equal(undefined)
    expect(await closed(remote)).to.equal(undefined)
    expect(stream.status).to.equal('closed')
    expect(remote.status).to.equal('closed')
    expect(Math.max(...m.sentSizes)).to.be.at.most(MAX_MESSAGE_SIZE_BYTES)
    expect(m.sentSizes.length).to.be.at.least(Math.ceil(data.byteLength / MAX_MESSAGE_SIZE_BYTES))
  })

  it('half-closes with FIN / FIN_ACK: the remote reads to EOF and can still answer', async () => {
    m = await muxers()
    const inbound = nextStream(m.b)
    const stream = await createStream(m.a)
    stream.send(bytes(10))
    await stream.closeWrite()
    expect(stream.writeStatus).to.equal('closed')
    const remote = await inbound
    expect(await readAll(remote)).to.deep.equal(bytes(10))
    expect(remote.remoteWriteStatus).to.equal('closed')
    remote.send(bytes(20))
    await remote.closeWrite()
    expect(await readAll(stream)).to.deep.equal(bytes(20))
    expect(await closed(stream)).to.equal(undefined)
  })

  it('runs many streams at once on one connection', async () => {
    m = await muxers()
    m.b.addEventListener('stream', (evt) => { void echo(evt.detail) })
    const results = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const stream = await createStream(m!.a)
      const [, answer] = await Promise.all([
        (async () => { stream.send(bytes(1000 + i)); await stream.closeWrite() })(),
        readAll(stream)
      ])
      return answer.byteLength
    }))
    expect(results).to.deep.equal(Array.from({ length: 20 }, (_, i) => 1000 + i))
  })

  it('resets: the remote sees StreamResetError', async () => {
    m = await muxers()
    const inbound = nextStream(m.b)
    const stream = await createStream(m.a)
    stream.send(bytes(5))
    const remote = await inbound
    await remote.read()
    stream.abort(new Error('giving up'))
    const err = await closed(remote)
    expect(err).to.have.property('name', 'StreamResetError')
    expect(remote.status).to.equal('reset')
  })

  it('STOP_SENDING: after the remote closes its read side our data is dropped and we can still close', async () => {
    m = await muxers()
    const inbound = nextStream(m.b)
    const stream = await createStream(m.a)
    stream.send(bytes(5))
    const remote = await inbound
    await remote.closeRead()
    // the remote's answer still arrives
    remote.send(bytes(7))
    await remote.closeWrite()
    expect(await readAll(stream)).to.deep.equal(bytes(7))
    stream.send(bytes(100))
    await stream.closeWrite()
    expect(await closed(stream)).to.equal(undefined)
    expect(remote.readBufferLength).to.equal(0)
  })

  it('applies back-pressure: a channel never holds more than maxBufferedAmount plus one message', async () => {
    const maxBufferedAmount = 64 * 1024
    m = await muxers({ maxBufferedAmount })
    const inbound = nextStream(m.b)
    const stream = await createStream(m.a)
    const total = 4 * 1024 * 1024
    const sending = (async () => {
      for (let at = 0; at < total; at += 64 * 1024) {
        if (!stream.send(numbered(at, 64 * 1024))) {
          await stream.onDrain()
        }
        // never more than the high-water mark plus one send waits in our buffer
        expect(stream.writeBufferLength).to.be.at.most(128 * 1024)
      }
      await stream.closeWrite()
    })()
    const remote = await inbound
    const [, got] = await Promise.all([sending, readAll(remote)])
    // where the bytes differ and how many messages each channel counted tell a lost message's place and layer
    const dataSent = m.sentSizes.filter(n => n > 3).length
    const dataReceived = m.receivedSizes.filter(n => n > 3).length
    expect(firstDifference(got, numbered(0, total)), `got ${got.byteLength} of ${total} bytes; A's channel sent ${dataSent} data messages, B's channel delivered ${dataReceived}`).to.equal(-1)
    expect(Math.max(...m.bufferedBeforeSend)).to.be.at.most(maxBufferedAmount)
  })

  it('aborts a stream whose reader falls more than maxUnreadBytes behind (no flow control on data channels)', async () => {
    m = await muxers({}, { maxUnreadBytes: 64 * 1024 })
    const inbound = nextStream(m.b)
    const stream = await createStream(m.a)
    const remote = await (async () => {
      stream.send(bytes(1000))
      return inbound
    })()
    const remoteClosed = closed(remote)
    const localClosed = closed(stream)
    for (let i = 0; i < 4 && stream.writeStatus === 'writable'; i++) {
      if (!stream.send(bytes(32 * 1024))) { await stream.onDrain().catch(() => {}) }
    }
    expect(await remoteClosed).to.have.property('name', 'LimitExceededError')
    expect(await localClosed).to.have.property('name', 'StreamResetError')
  })

  const badInput: Array<[string, Uint8Array<ArrayBuffer>, string]> = [
    ['a malformed message', Uint8Array.from([...encodeVarint(3), 0x12, 0x05, 0x01]), 'InvalidMessageError'],
    ['a message over the size limit', encodeVarint(MAX_MESSAGE_SIZE_BYTES + 1), 'MessageTooLargeError']
  ]
  badInput.forEach(([what, payload, name]) => {
    it(`closes only the stream that receives ${what}`, async () => {
      const made = await muxers()
      m = made
      const goodRemote = nextStream(made.b)
      const good = await createStream(made.a)
      void echo(await goodRemote).catch(() => {})
      const inbound = nextStream(made.b)
      const raw = made.pair.a.createDataChannel('')
      raw.binaryType = 'arraybuffer'
      await new Promise<void>(resolve => { raw.onopen = () => { resolve() } })
      raw.send(payload)
      const bad = await inbound
      expect(await closed(bad)).to.have.property('name', name)
      // the connection and its other streams carry on
      const [, answer] = await Promise.all([
        (async () => { good.send(bytes(300)); await good.closeWrite() })(),
        readAll(good)
      ])
      expect(answer).to.deep.equal(bytes(300))
      expect(made.b.status).to.equal('open')
    })
  })

  it('ends a stream with InvalidMessageError, not silently, when data arrives after the remote\'s FIN', async () => {
    m = await muxers()
    const inbound = nextStream(m.b)
    const raw = m.pair.a.createDataChannel('')
    raw.binaryType = 'arraybuffer'
    await new Promise<void>(resolve => { raw.onopen = () => { resolve() } })
    raw.send(encodeFrame(undefined, bytes(10)))
    raw.send(encodeFrame(Message.Flag.FIN))
    raw.send(encodeFrame(undefined, bytes(20)))
    const remote = await inbound
    // what came before the FIN is delivered; the bytes after it end the stream with an error
    expect(await readAll(remote).catch(() => undefined)).to.satisfy((got?: Uint8Array) => got == null || got.byteLength === 10)
    expect(await closed(remote)).to.have.property('name', 'InvalidMessageError')
    expect(remote.status).to.equal('aborted')
  })

  it('cuts data at a smaller dataChannel.maxMessageSize', async () => {
    m = await muxers({ maxMessageSize: 1024 })
    const inbound = nextStream(m.b)
    const stream = await createStream(m.a)
    const data = bytes(50_000)
    stream.send(data)
    await stream.closeWrite()
    expect(await readAll(await inbound)).to.deep.equal(data)
    // 1015 payload bytes + 5 of framing: the whole message stays within the limit
    expect(Math.max(...m.sentSizes)).to.be.within(1000, 1024)
  })

  it('closeWrite() stops waiting for a FIN_ACK after closeTimeout', async () => {
    const pair = await connectedPair()
    const log = disabledLogger()
    const connection = new WebRTCConnection({ peerConnection: pair.a, remoteAddr: multiaddr('/ip4/127.0.0.1/udp/9/webrtc'), direction: 'outbound', log })
    const a = new DataChannelMuxer({ connection, peerConnection: pair.a, log, dataChannel: { closeTimeout: 300 } })
    // the remote takes the channel but never answers
    const remoteChannel = new Promise<RTCDataChannel>(resolve => { pair.b.ondatachannel = (evt) => { resolve(evt.channel) } })
    const b = { abort: () => {}, status: 'open' } as unknown as DataChannelMuxer
    m = { pair, a, b, sentSizes: [], bufferedBeforeSend: [], receivedSizes: [] }
    const stream = await createStream(a)
    stream.send(bytes(10))
    await remoteChannel
    const started = Date.now()
    await stream.closeWrite()
    expect(Date.now() - started).to.be.at.least(290)
    expect(stream.writeStatus).to.equal('closed')
  })

  it('hands over a stream the remote opened before the muxer existed to a \'stream\' listener added after construction (as the connection adds its own)', async () => {
    const pair = await connectedPair()
    const early = new EarlyChannels(pair.b)
    const arrived = new Promise<void>(resolve => { pair.b.addEventListener('datachannel', () => { resolve() }, { once: true }) })
    const a = muxer(pair.a, 'outbound')
    m = { pair, a, b: a, sentSizes: [], bufferedBeforeSend: [], receivedSizes: [] }
    const stream = await createStream(a)
    await arrived
    expect(early.channels).to.have.length(1)
    const log = disabledLogger()
    const b = new DataChannelMuxer({ connection: new WebRTCConnection({ peerConnection: pair.b, remoteAddr: multiaddr('/ip4/127.0.0.1/udp/9/webrtc'), direction: 'inbound', log }), peerConnection: pair.b, log, earlyChannels: early.take() })
    m.b = b
    const inbound = nextStream(b)
    stream.send(new TextEncoder().encode('early'))
    await stream.closeWrite()
    const remote = await inbound
    expect(new TextDecoder().decode(await readAll(remote))).to.equal('early')
  })

  it('frames flags and payloads as the spec\'s protobuf with a varint prefix', () => {
    for (const [flag, payload] of [[undefined, bytes(300)], [Message.Flag.FIN, undefined], [Message.Flag.FIN_ACK, undefined], [Message.Flag.RESET_STREAM, bytes(1)]] as const) {
      const body = Message.encode({ flag, message: payload })
      expect(encodeFrame(flag, payload)).to.deep.equal(Uint8Array.from([...encodeVarint(body.byteLength), ...body]))
    }
    // FIN is the enum's zero value and still on the wire
    expect(encodeFrame(Message.Flag.FIN)).to.deep.equal(Uint8Array.from([2, 0x08, 0x00]))
  })
})
