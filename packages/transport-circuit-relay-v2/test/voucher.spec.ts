import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RecordEnvelope } from '@libp2p/peer-record'
import { expect } from 'aegir/chai'
import { RESERVATION_VOUCHER_CODEC } from '../src/constants.js'
import { ReservationVoucher } from '../src/pb/circuit.js'
import { ReservationVoucherRecord, openVoucher, sealVoucher } from '../src/voucher.js'
import type { EnvelopeRecord } from '@libp2p/peer-record'

describe('reservation voucher', () => {
  it('is a signed envelope of type 0x0302 in the libp2p-relay-rsvp domain, canonical payload', async () => {
    const relayKey = await generateKeyPair('Ed25519')
    const relay = peerIdFromPrivateKey(relayKey)
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const bytes = await sealVoucher(new ReservationVoucherRecord(relay, peer, 1_700_000_000n), relayKey)

    const envelope = await RecordEnvelope.openAndCertify(bytes, 'libp2p-relay-rsvp')
    // as go-libp2p and js-libp2p write it
    expect([...envelope.payloadType]).to.deep.equal([0x03, 0x02])
    // fields in id order: relay (1), peer (2), expiration (3)
    const payload = envelope.payload
    expect(payload[0]).to.equal(0x0a)
    expect(ReservationVoucher.decode(payload)).to.deep.equal({ relay: relay.toMultihash().bytes, peer: peer.toMultihash().bytes, expiration: 1_700_000_000n })

    const opened = await openVoucher(bytes)
    expect(opened.signer.equals(relay)).to.equal(true)
    expect(opened.expiration).to.equal(1_700_000_000n)
  })

  it('refuses a voucher signed for another domain or of another type', async () => {
    const key = await generateKeyPair('Ed25519')
    const id = peerIdFromPrivateKey(key)
    const payload = new ReservationVoucherRecord(id, id, 1n).marshal()
    const otherDomain: EnvelopeRecord = { domain: 'libp2p-peer-record', codec: RESERVATION_VOUCHER_CODEC, marshal: () => payload, equals: () => false }
    const wrongDomain = (await RecordEnvelope.seal(otherDomain, key)).marshal()
    await expect(openVoucher(wrongDomain)).to.eventually.be.rejected.with.property('name', 'InvalidSignatureError')

    const otherType: EnvelopeRecord = { domain: 'libp2p-relay-rsvp', codec: Uint8Array.from([0x03, 0x01]), marshal: () => payload, equals: () => false }
    const wrongType = (await RecordEnvelope.seal(otherType, key)).marshal()
    await expect(openVoucher(wrongType)).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })
})
