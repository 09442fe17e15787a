import encodeQR from '@paulmillr/qr'

/** light modules around the code, as the QR standard asks, so a scanner finds its edges */
const QUIET_ZONE_MODULES = 4

/**
 * `text` as a QR code in SVG: one path of the dark modules, a run of modules in a row drawn as one
 * rectangle, on a white background (the library's own SVG has an element per module: ~30 KB for
 * an address, this is a few KB). Medium error correction: enough for a phone reading a screen.
 */
export function qrSvg (text: string): string {
  const rows = encodeQR(text, 'raw', { ecc: 'medium', border: 0 })
  const size = rows.length + 2 * QUIET_ZONE_MODULES
  let path = ''
  rows.forEach((row, y) => {
    let x = 0
    while (x < row.length) {
      if (!row[x]) { x++; continue }
      const start = x
      while (x < row.length && row[x]) { x++ }
      path += `M${start + QUIET_ZONE_MODULES} ${y + QUIET_ZONE_MODULES}h${x - start}v1h-${x - start}z`
    }
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>\n`
}
