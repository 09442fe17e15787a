import { EventEmitter } from 'node:events'
import { expect } from 'aegir/chai'
import { EVENTS_MAX_BUFFERED_BYTES } from '../src/http/constants.js'
import { STATUS_EVENTS, StatusEvents } from '../src/http/events.js'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** the parts of a ServerResponse StatusEvents uses, recording what it was sent */
class FakeResponse extends EventEmitter {
  status = 0
  written: string[] = []
  writableLength = 0
  destroyed = false
  ended = false
  #onWrite?: () => void

  writeHead (status: number): this { this.status = status; return this }
  write (text: string): boolean { this.written.push(text); this.#onWrite?.(); return true }
  end (): void { this.ended = true; this.emit('close') }
  destroy (): void { this.destroyed = true; this.emit('close') }

  /** resolves at the next write */
  async nextWrite (): Promise<void> {
    return new Promise(resolve => { this.#onWrite = () => { this.#onWrite = undefined; resolve() } })
  }
}

/** a node's event target that counts its listeners */
class FakeNode extends EventTarget {
  listeners = 0
  override addEventListener (type: string, listener: any): void { this.listeners++; super.addEventListener(type, listener) }
  override removeEventListener (type: string, listener: any): void { this.listeners--; super.removeEventListener(type, listener) }
}

const GET = { method: 'GET' } as unknown as IncomingMessage

describe('status events (/events)', () => {
  let status = 'a'
  let node: FakeNode
  let events: StatusEvents
  beforeEach(() => {
    status = '"a"'
    node = new FakeNode()
    events = new StatusEvents({ events: node, snapshot: () => status, maxClients: 2 })
  })
  afterEach(() => { events.close() })

  const open = (): FakeResponse => {
    const res = new FakeResponse()
    events.add(GET, res as unknown as ServerResponse)
    return res
  }

  it('sends the status on connect and again, once, after a node event changed it; not when unchanged', async () => {
    const res = open()
    expect(res.status).to.equal(200)
    expect(res.written).to.deep.equal(['event: status\ndata: "a"\n\n'])
    status = '"b"'
    const written = res.nextWrite()
    node.dispatchEvent(new Event('connection:open'))
    node.dispatchEvent(new Event('connection:close'))
    await written
    expect(res.written).to.deep.equal(['event: status\ndata: "a"\n\n', 'event: status\ndata: "b"\n\n'])
    // a page joining now gets "b", and the first page is not sent it again
    const second = open()
    expect(second.written).to.deep.equal(['event: status\ndata: "b"\n\n'])
    expect(res.written).to.have.length(2)
  })

  it('follows the node only while a page is open', () => {
    expect(node.listeners).to.equal(0)
    const a = open()
    const b = open()
    expect(node.listeners).to.equal(STATUS_EVENTS.length)
    a.emit('close')
    expect(node.listeners).to.equal(STATUS_EVENTS.length)
    b.emit('close')
    expect(node.listeners).to.equal(0)
  })

  it('answers 503 beyond maxClients', () => {
    open()
    open()
    const third = new FakeResponse()
    // sendText writes its head through writeHead and ends with end(body)
    ;(third as any).end = (body: string) => { third.written.push(body) }
    events.add(GET, third as unknown as ServerResponse)
    expect(third.status).to.equal(503)
    expect(third.written.join('')).to.include('httpMaxEventClients')
  })

  it('drops a page that stopped reading once its unread output passes the bound, and keeps the others', async () => {
    const slow = open()
    const fast = open()
    slow.writableLength = EVENTS_MAX_BUFFERED_BYTES + 1
    status = '"c"'
    const written = fast.nextWrite()
    node.dispatchEvent(new Event('self:peer:update'))
    await written
    expect(slow.destroyed).to.equal(true)
    expect(slow.written).to.have.length(1)
    expect(fast.written.at(-1)).to.equal('event: status\ndata: "c"\n\n')
    expect(events.clientCount).to.equal(1)
  })
})
