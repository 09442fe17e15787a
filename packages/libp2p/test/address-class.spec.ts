import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { isCircuitAddress, isLimitedAddress, isSignalledAddress } from '../src/get-peer.js'

const RELAY_ID = '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq'
const RELAY = `/ip4/127.0.0.1/tcp/4001/p2p/${RELAY_ID}`
const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

describe('address classes (circuit, limited, signalled through a relay)', () => {
  it('a plain circuit is limited; /webrtc after /p2p-circuit is a direct connection signalled through the relay', () => {
    const cases: Array<[string, boolean, boolean, boolean]> = [
      // address, circuit, limited, signalled
      [`/ip4/127.0.0.1/tcp/4002/p2p/${PEER}`, false, false, false],
      [`${RELAY}/p2p-circuit/p2p/${PEER}`, true, true, false],
      [`${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`, true, false, true],
      [`${RELAY}/p2p-circuit/webrtc`, true, false, true],
      [`/ip4/127.0.0.1/udp/4001/webrtc-direct/p2p/${PEER}`, false, false, false],
      // WebRTC before the circuit reaches the relay: the connection to the peer is still relayed
      [`/ip4/127.0.0.1/udp/4001/webrtc-direct/p2p/${RELAY_ID}/p2p-circuit/p2p/${PEER}`, true, true, false],
      // only what follows the last /p2p-circuit counts
      [`${RELAY}/p2p-circuit/webrtc/p2p/${PEER}/p2p-circuit/p2p/${PEER}`, true, true, false]
    ]
    for (const [addr, circuit, limited, signalled] of cases) {
      const ma = multiaddr(addr)
      expect(isCircuitAddress(ma)).to.equal(circuit, addr)
      expect(isLimitedAddress(ma)).to.equal(limited, addr)
      expect(isSignalledAddress(ma)).to.equal(signalled, addr)
    }
  })
})
