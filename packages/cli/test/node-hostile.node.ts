import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { HopMessage, RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC, Status, StopMessage } from '@libp2p/circuit-relay-v2'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { LOOPBACK, startNodeProcess } from './fixtures/node-process.js'
import { relayClient, tempDirPerTest } from './fixtures/nodes.js'
import { runBin } from './fixtures/process.js'
import { EXCHANGE_TIMEOUT_MS, connectTo, echoThrough, hop, hopRequest, hopStatus, lp, rawPeer, readAnswer, reserve, stop, varint } from './fixtures/raw-relay.js'
import type { NodeProcess } from './fixtures/node-process.js'
import type { RawPeer } from './fixtures/raw-relay.js'
import type { Stream } from '@libp2p/interface'

/** the relay server's hop request deadline (its hopTimeout; `libp2p node` keeps the default) */
const HOP_TIMEOUT_MS = 30_000

/**
 * Bad input against `libp2p node` as a process: malformed relay messages, floods and circuits past
 * the limits, a target that never answers, and a data directory that cannot be written. Each case
 * checks the spec's status code (or a reset of the offending stream only) and then that the node
 * still serves everyone else, which is what "nothing else affected" means from outside.
 */
describe('libp2p node under bad input', function () {
  this.timeout(90_000)
  const temp = tempDirPerTest('libp2p-node-hostile-')
  let node: NodeProcess | undefined
  const peers: Array<{ stop(): Promise<void> }> = []

  async function start (args: string[] = []): Promise<NodeProcess> {
    node = await startNodeProcess(['--data-dir', temp.dir(), ...args])
    return node
  }

  async function raw (behaviour?: Parameters<typeof rawPeer>[1]): Promise<RawPeer> {
    const peer = await rawPeer(node!.tcpAddr, behaviour)
    peers.push(peer.node)
    return peer
  }

  /** a well-behaved peer holding a reservation on the node, and proof that another peer reaches it through the node */
  async function bystander (): Promise<{ check(): Promise<void> }> {
    const listener = await relayClient([`${node!.tcpAddr}/p2p-circuit`])
    peers.push(listener)
    const dialer = await relayClient()
    peers.push(dialer)
    const target = multiaddr(`${node!.wsAddr}/p2p-circuit/p2p/${listener.peerId.toString()}`)
    const check = async (): Promise<void> => {
      expect(await dialer.services.ping.ping(target, { signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS) })).to.be.a('number')
    }
    await check()
    return { check }
  }

  afterEach(async () => {
    await Promise.all(peers.splice(0).map(async p => p.stop()))
    if (node != null) {
      const code = await node.proc.stop()
      const out = node.proc.stdout + node.proc.stderr
      node = undefined
      // the node survived everything the test sent it and stopped cleanly
      expect(code, out).to.equal(0)
    }
  })

  it('malformed HOP messages: MALFORMED_MESSAGE or UNEXPECTED_MESSAGE on that stream only; the same connection and a relayed bystander go on working', async () => {
    await start()
    const watch = await bystander()
    const peer = await raw()
    const self = peer.peerId.toMultihash().bytes
    const cases: Array<[string, Uint8Array, Status]> = [
      ['bytes that are not a protobuf', lp(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff])), Status.MALFORMED_MESSAGE],
      ['a message without a type', lp(new Uint8Array(0)), Status.MALFORMED_MESSAGE],
      ['an unknown message type (9)', lp(Uint8Array.from([0x08, 0x09])), Status.MALFORMED_MESSAGE],
      ['a STATUS sent as a request', hop({ type: HopMessage.Type.STATUS, status: Status.OK }), Status.UNEXPECTED_MESSAGE],
      ['CONNECT naming no peer', hop({ type: HopMessage.Type.CONNECT }), Status.MALFORMED_MESSAGE],
      ['CONNECT to bytes that are not a peer id', hop({ type: HopMessage.Type.CONNECT, peer: { id: Uint8Array.from([1, 2, 3]), addrs: [] } }), Status.MALFORMED_MESSAGE],
      ['CONNECT with 64 addresses (32 at most)', hop({ type: HopMessage.Type.CONNECT, peer: { id: self, addrs: Array.from({ length: 64 }, () => multiaddr('/ip4/127.0.0.1/tcp/1').bytes) } }), Status.MALFORMED_MESSAGE],
      // the relay refuses on the length prefix alone, before reading the body
      ['an oversize message (5000 bytes, 4096 at most)', varint(5000), Status.MALFORMED_MESSAGE],
      ['a length prefix that is not a varint (10 bytes of 0xff)', new Uint8Array(10).fill(0xff), Status.MALFORMED_MESSAGE]
    ]
    for (const [what, bytes, expected] of cases) {
      const { stream, status } = await hopRequest(peer.connection, bytes)
      expect(status, what).to.equal(expected)
      stream.abort(new Error('done'))
    }
    // a message cut short, then the client's side ended: refused as malformed
    const short = await peer.connection.newStream(RELAY_V2_HOP_CODEC, { signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS) })
    short.send(lp(new Uint8Array(100)).subarray(0, 20))
    await short.closeWrite()
    expect(hopStatus(await readAnswer(short, AbortSignal.timeout(EXCHANGE_TIMEOUT_MS)))).to.equal(Status.MALFORMED_MESSAGE)
    short.abort(new Error('done'))

    expect(peer.connection.status).to.equal('open')
    expect(await reserve(peer)).to.equal(Status.OK)
    await watch.check()
    // the node does not handle STOP (it is no relay client): a STOP CONNECT sent to it is refused at
    // negotiation (the stream opens optimistically, then fails), the connection stays
    const stopSignal = AbortSignal.timeout(EXCHANGE_TIMEOUT_MS)
    const refusedStop = await peer.connection.newStream(RELAY_V2_STOP_CODEC, { signal: stopSignal }).then(
      async (s) => { s.send(stop({ type: StopMessage.Type.CONNECT, peer: { id: self, addrs: [] } })); return readAnswer(s, stopSignal) },
      (err) => ({ reset: err.name })
    )
    expect(refusedStop).to.not.have.property('message')
    expect(peer.connection.status).to.equal('open')
    expect(await reserve(peer)).to.equal(Status.OK)
  })

  it('malformed STOP answers from a target: the initiator gets CONNECTION_FAILED and the circuit slot is freed each time', async () => {
    await start(['--max-circuits', '1'])
    const target = await raw()
    expect(await reserve(target)).to.equal(Status.OK)
    const initiator = await raw()
    const answers: Array<[string, Uint8Array]> = [
      ['bytes that are not a protobuf', lp(Uint8Array.from([0xff, 0xff, 0xff]))],
      ['a CONNECT instead of a STATUS', stop({ type: StopMessage.Type.CONNECT, peer: { id: initiator.peerId.toMultihash().bytes, addrs: [] } })],
      ['a STATUS refusing the circuit', stop({ type: StopMessage.Type.STATUS, status: Status.CONNECTION_FAILED })],
      ['a message without a type', lp(new Uint8Array(0))],
      ['an oversize message', varint(100_000)]
    ]
    for (const [what, bytes] of answers) {
      target.stopBehaviour = { kind: 'bytes', bytes }
      const { stream, status } = await hopRequest(initiator.connection, connectTo(target.peerId))
      expect(status, what).to.equal(Status.CONNECTION_FAILED)
      stream.abort(new Error('done'))
    }
    expect(target.stopRequests).to.equal(answers.length)
    // one circuit at most: it opens, so none of the failures above kept its slot
    target.stopBehaviour = { kind: 'ok' }
    const { stream: circuit, status } = await hopRequest(initiator.connection, connectTo(target.peerId))
    expect(status).to.equal(Status.OK)
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff)
    expect(await echoThrough(circuit, payload)).to.deep.equal(payload)
    circuit.abort(new Error('done'))
  })

  it('reservation floods: one peer\'s repeated RESERVEs hold one slot, many peer ids from one IP are capped at the per-IP limit with RESERVATION_REFUSED, and slots come back when peers leave', async () => {
    await start(['--max-reservations-per-ip', '4', '--max-reservations', '100'])
    const flooder = await raw()
    // 20 at once (the node takes 32 hop streams per connection) and 20 more in a row
    const burst = await Promise.all(Array.from({ length: 20 }, async () => reserve(flooder)))
    expect(burst).to.deep.equal(new Array(20).fill(Status.OK))
    for (let i = 0; i < 20; i++) { expect(await reserve(flooder)).to.equal(Status.OK) }

    // every peer of the test connects from 127.0.0.1: the flooder holds 1 of its 4 slots
    const others = await Promise.all(Array.from({ length: 12 }, async () => raw()))
    const statuses = await Promise.all(others.map(async p => reserve(p)))
    expect(statuses.filter(s => s === Status.OK)).to.have.lengthOf(3)
    expect(statuses.filter(s => s === Status.RESERVATION_REFUSED)).to.have.lengthOf(9)
    // a refused peer asking again is refused again: nothing was taken for it
    const refused = others.filter((_, i) => statuses[i] !== Status.OK)
    expect(await reserve(refused[0])).to.equal(Status.RESERVATION_REFUSED)

    // more hop streams at once than the node takes on one connection (32), each held open until
    // all are answered: 32 are served, the rest refused; the connection stays
    const flood = await Promise.allSettled(Array.from({ length: 40 }, async () => hopRequest(flooder.connection, hop({ type: HopMessage.Type.RESERVE }))))
    const served = flood.filter(r => r.status === 'fulfilled' && r.value.status === Status.OK)
    expect(served).to.have.lengthOf(32)
    for (const r of flood) { if (r.status === 'fulfilled') { r.value.stream.abort(new Error('done')) } }
    expect(flooder.connection.status).to.equal('open')
    expect(await reserve(flooder)).to.equal(Status.OK)

    // two holders leave: their reservations go with their connections, and two refused peers get the slots
    const holders = others.filter((_, i) => statuses[i] === Status.OK)
    await holders[0].node.stop()
    await holders[1].node.stop()
    await until(async () => await reserve(refused[1]) === Status.OK, 'a refused peer reserves once a holder left', { timeout: EXCHANGE_TIMEOUT_MS })
    await until(async () => await reserve(refused[2]) === Status.OK, 'a second refused peer reserves', { timeout: EXCHANGE_TIMEOUT_MS })
    expect(await reserve(refused[3])).to.equal(Status.RESERVATION_REFUSED)
  })

  it('circuits past maxCircuits and maxCircuitsPerPeer are refused with RESOURCE_LIMIT_EXCEEDED; closing one frees its slot', async () => {
    await start(['--max-circuits', '3', '--max-circuits-per-peer', '2'])
    const targets = [await raw(), await raw(), await raw()]
    for (const t of targets) { expect(await reserve(t)).to.equal(Status.OK) }
    const [i1, i2, i3] = [await raw(), await raw(), await raw()]
    const circuits: Stream[] = []
    const open = async (from: RawPeer, to: RawPeer): Promise<Status | string> => {
      const { stream, status } = await hopRequest(from.connection, connectTo(to.peerId))
      if (status === Status.OK) { circuits.push(stream) } else { stream.abort(new Error('refused')) }
      return status
    }
    expect(await open(i1, targets[0])).to.equal(Status.OK)
    expect(await open(i1, targets[0])).to.equal(Status.OK)
    // i1 is in two circuits, so is targets[0]
    expect(await open(i1, targets[1])).to.equal(Status.RESOURCE_LIMIT_EXCEEDED)
    expect(await open(i2, targets[0])).to.equal(Status.RESOURCE_LIMIT_EXCEEDED)
    expect(await open(i2, targets[1])).to.equal(Status.OK)
    // three circuits in all
    expect(await open(i3, targets[2])).to.equal(Status.RESOURCE_LIMIT_EXCEEDED)
    // the open circuits carry data through the limits
    const payload = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff)
    for (const c of circuits) { expect(await echoThrough(c, payload)).to.deep.equal(payload) }

    circuits.shift()?.abort(new Error('closing one circuit'))
    await until(async () => await open(i3, targets[2]) === Status.OK, 'a circuit opens once one closed', { timeout: EXCHANGE_TIMEOUT_MS })
    expect(await echoThrough(circuits[circuits.length - 1], payload)).to.deep.equal(payload)
    for (const c of circuits) { c.abort(new Error('done')) }
  })

  it('a STOP target that never answers: the CONNECT fails with CONNECTION_FAILED at the relay\'s STOP deadline, its slot is held meanwhile and freed after', async function () {
    this.timeout(HOP_TIMEOUT_MS + 60_000)
    await start(['--max-circuits', '1'])
    const silent = await raw({ kind: 'silent' })
    const answering = await raw()
    for (const t of [silent, answering]) { expect(await reserve(t)).to.equal(Status.OK) }
    const initiator = await raw()
    const other = await raw()

    const pending = hopRequest(initiator.connection, connectTo(silent.peerId), AbortSignal.timeout(HOP_TIMEOUT_MS + 20_000))
    await until(() => silent.stopRequests === 1 && silent.heldStops.length === 1, 'the silent target got the STOP request', { timeout: EXCHANGE_TIMEOUT_MS })
    // the pending circuit holds the only slot; the node serves other requests meanwhile
    const meanwhile = await hopRequest(other.connection, connectTo(answering.peerId))
    expect(meanwhile.status).to.equal(Status.RESOURCE_LIMIT_EXCEEDED)
    meanwhile.stream.abort(new Error('done'))
    expect(await reserve(other)).to.equal(Status.OK)

    const { stream, status } = await pending
    // the STOP request has a deadline of its own (2/3 of the hop deadline): the relay answers in time
    expect(status).to.equal(Status.CONNECTION_FAILED)
    stream.abort(new Error('done'))
    // the relay gave up on the STOP stream too
    await until(() => silent.heldStops[0].status !== 'open', 'the STOP stream to the silent target ended', { timeout: EXCHANGE_TIMEOUT_MS })

    const after = await hopRequest(other.connection, connectTo(answering.peerId))
    expect(after.status).to.equal(Status.OK)
    after.stream.abort(new Error('done'))
  })

  describe('a data directory that cannot be written', () => {
    // tests run as root on CI, and root writes through chmod 0500: a path below a regular file
    // cannot be created by anyone, which is the same failure (ENOTDIR/EEXIST instead of EACCES)
    it('a data directory below a regular file: exit 1, the error names the path', async () => {
      const file = join(temp.dir(), 'not-a-directory')
      await writeFile(file, 'a file')
      const dataDir = join(file, 'data')
      const result = await runBin(['node', '--data-dir', dataDir, ...LOOPBACK])
      expect(result.code, result.stdout + result.stderr).to.equal(1)
      expect(result.stderr).to.include(`DatastoreOpenError: cannot create the data directory ${dataDir}: ENOTDIR`)
      expect(result.stdout).to.not.include('peer id')
    })

    it('a datastore path taken by a regular file: exit 1, DatastoreOpenError naming it', async () => {
      const datastore = join(temp.dir(), 'datastore')
      await writeFile(datastore, 'a file where LevelDB wants its directory')
      const result = await runBin(['node', '--data-dir', temp.dir(), ...LOOPBACK])
      expect(result.code, result.stdout + result.stderr).to.equal(1)
      expect(result.stderr).to.match(/DatastoreOpenError: cannot open the datastore in \S+/)
      expect(result.stderr).to.include(datastore)
    })

    it('a key file that cannot be created: exit 1, the error names it, and the datastore is left unlocked', async () => {
      const file = join(temp.dir(), 'not-a-directory')
      await writeFile(file, 'a file')
      const key = join(file, 'identity.key')
      const dataDir = join(temp.dir(), 'data')
      const result = await runBin(['node', '--data-dir', dataDir, '--key', key, ...LOOPBACK])
      expect(result.code, result.stdout + result.stderr).to.equal(1)
      expect(result.stderr).to.include(key)
      // the datastore it had opened was closed on the way out: a node starts on the same directory
      const onSame = await startNodeProcess(['--data-dir', dataDir])
      expect(await onSame.proc.stop()).to.equal(0)
    })
  })
})
