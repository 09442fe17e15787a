import { lpStream } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { Chat } from '../src/chat.js'
import { CHAT_PROTOCOL, MAX_CHAT_MESSAGE_BYTES } from '../src/constants.js'
import { memoryPair } from './fixtures/memory-pair.js'
import type { ChatMessage } from '../src/chat.js'
import type { MemoryPair } from './fixtures/memory-pair.js'

/** resolves with the next message `chat` receives */
async function nextMessage (chat: Chat): Promise<ChatMessage> {
  return new Promise(resolve => {
    chat.addEventListener('message', (evt) => { if (!evt.detail.own) { resolve(evt.detail) } }, { once: true })
  })
}

/** resolves once the stream ended, with how (closed, reset, aborted) */
async function ended (stream: { status: string, addEventListener(type: 'close', fn: () => void): void }): Promise<string> {
  if (stream.status !== 'open') { return stream.status }
  return new Promise(resolve => { stream.addEventListener('close', () => { resolve(stream.status) }) })
}

describe('/rendezvous/chat/1.0.0', () => {
  let pair: MemoryPair
  let chatA: Chat
  let chatB: Chat

  beforeEach(async () => {
    pair = await memoryPair()
    chatA = new Chat(pair.a)
    chatB = new Chat(pair.b)
    await chatA.start()
    await chatB.start()
  })

  afterEach(async () => {
    await pair.stop()
  })

  it('delivers a message with who sent it and the link it came over', async () => {
    const received = nextMessage(chatB)
    const sent = await chatA.send(pair.connection, 'hello, ünïcode ✓')
    expect(sent).to.include({ own: true, text: 'hello, ünïcode ✓', peer: pair.b.peerId.toString(), via: 'direct' })
    expect(await received).to.include({ own: false, text: 'hello, ünïcode ✓', peer: pair.a.peerId.toString() })
    expect(chatB.history().map(m => m.text)).to.deep.equal(['hello, ünïcode ✓'])
  })

  it('refuses to send a message over the limit', async () => {
    await expect(chatA.send(pair.connection, 'x'.repeat(MAX_CHAT_MESSAGE_BYTES + 1))).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')
  })

  it('resets a stream that is not UTF-8 or announces too much, and goes on', async () => {
    const bad = await pair.connection.newStream(CHAT_PROTOCOL)
    await lpStream(bad).write(Uint8Array.from([0xff, 0xfe, 0xfd]))
    expect(await ended(bad)).to.equal('reset')

    const big = await pair.connection.newStream(CHAT_PROTOCOL)
    await lpStream(big).write(new Uint8Array(MAX_CHAT_MESSAGE_BYTES + 1))
    expect(await ended(big)).to.equal('reset')
    expect(chatB.history()).to.deep.equal([])

    const received = nextMessage(chatB)
    await chatA.send(pair.connection, 'still here')
    expect((await received).text).to.equal('still here')
  })
})
