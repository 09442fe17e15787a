/** Write the Noise nonce `n` as ChaChaPoly wants it: 4 zero bytes, then 8 bytes little-endian */
export function writeNonce (view: DataView, n: number): void {
  view.setUint32(4, n >>> 0, true)
  view.setUint32(8, Math.floor(n / 0x1_0000_0000), true)
}
