import decodeQR from '@paulmillr/qr/decode.js'
import { expect } from 'aegir/chai'
import { qrSvg } from '../src/http/qr.js'

/** pixels per module when the SVG is drawn for the decoder */
const SCALE = 4

/** draws qrSvg()'s output (one path of `M x y h w v1 h-w z` rectangles) as RGB pixels */
function rasterize (svg: string): { width: number, height: number, data: Uint8Array } {
  const size = Number(svg.match(/viewBox="0 0 (\d+) \d+"/)?.[1])
  const width = size * SCALE
  const data = new Uint8Array(width * width * 3).fill(255)
  const path = svg.match(/ d="([^"]*)"/)?.[1] ?? ''
  for (const [, x, y, w] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let py = Number(y) * SCALE; py < (Number(y) + 1) * SCALE; py++) {
      for (let px = Number(x) * SCALE; px < (Number(x) + Number(w)) * SCALE; px++) {
        data.fill(0, (py * width + px) * 3, (py * width + px) * 3 + 3)
      }
    }
  }
  return { width, height: width, data }
}

describe('status page QR codes', () => {
  it('the SVG decodes back to the address, short and long', () => {
    const addresses = [
      '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGA9uujrqoHXFi2GLtSWu74BFyAxzziGu4LCpomCuTp9r',
      '/dns4/relay.example.com/tcp/443/tls/sni/relay.example.com/ws/p2p/12D3KooWGA9uujrqoHXFi2GLtSWu74BFyAxzziGu4LCpomCuTp9r',
      '/ip4/203.0.113.7/udp/4003/webrtc-direct/certhash/uEiAkH5a4DPGKUuOBjYw0CgwjvcJCJMD2K_1aluKR_tpevQ/p2p/12D3KooWGA9uujrqoHXFi2GLtSWu74BFyAxzziGu4LCpomCuTp9r'
    ]
    for (const address of addresses) {
      const svg = qrSvg(address)
      expect(svg).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"/)
      // one path, not an element per module
      expect(svg.match(/<path/g)).to.have.length(1)
      expect(decodeQR(rasterize(svg))).to.equal(address)
    }
  })
})
