import { ECHO_PROTOCOL, startNode } from './node.js'

export interface Print { (line: string): void }

/** Two nodes on loopback: dial, identify, ping, echo; prints what happens */
export async function demo (print: Print): Promise<void> {
  const a = await startNode()
  const b = await startNode()
  try {
    print(`node A ${a.peerId.toString()} listening on ${a.getMultiaddrs().map(String).join(', ')}`)
    print(`node B ${b.peerId.toString()} listening on ${b.getMultiaddrs().map(String).join(', ')}`)
    const identified = new Promise<string[]>(resolve => {
      a.addEventListener('peer:identify', (evt) => { resolve(evt.detail.protocols) }, { once: true })
    })
    const connection = await a.dial(b.getMultiaddrs()[0])
    print(`A connected to B over ${connection.remoteAddr.toString()} (${connection.encryption ?? 'no encryption'}, ${connection.multiplexer ?? 'no muxer'})`)
    print(`A identified B: it speaks ${(await identified).join(', ')}`)
    const rtt = await a.services.ping.ping(b.peerId)
    print(`A pinged B: ${rtt.toFixed(2)} ms`)
    const stream = await a.dialProtocol(b.peerId, ECHO_PROTOCOL)
    stream.send(new TextEncoder().encode('hello from A'))
    await stream.closeWrite()
    let reply = ''
    for await (const chunk of stream) { reply += new TextDecoder().decode(chunk.subarray()) }
    print(`B echoed: "${reply}"`)
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
  print('both nodes stopped')
}
