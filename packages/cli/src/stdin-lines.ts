/**
 * The lines of `input` (UTF-8, ended by \n or \r\n; a last line without one counts), each at most
 * `maxBytes`: a longer line is dropped whole and reported to `tooLong` with its length, so input
 * without newlines cannot grow a buffer without bound. The caller's `for await` holds the reading
 * while it handles a line, so a fast pipe is read no faster than its lines are used.
 */
export async function * boundedLines (input: AsyncIterable<Uint8Array | string>, maxBytes: number, tooLong: (bytes: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let parts: Uint8Array[] = []
  let length = 0
  /** bytes of an overlong line seen so far, while its end is awaited; -1: not in one */
  let dropped = -1
  const finish = (last: Uint8Array): string | undefined => {
    const total = length + last.byteLength
    const over = dropped >= 0 || total > maxBytes
    if (over) { tooLong(Math.max(dropped, 0) + total) }
    const line = over ? undefined : decoder.decode(Buffer.concat([...parts, last])).replace(/\r$/, '')
    parts = []
    length = 0
    dropped = -1
    return line
  }
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    let start = 0
    while (start <= bytes.byteLength) {
      const end = bytes.indexOf(10, start)
      if (end < 0) {
        const rest = bytes.subarray(start)
        if (dropped >= 0) {
          dropped += rest.byteLength
        } else if (length + rest.byteLength > maxBytes) {
          dropped = length + rest.byteLength
          parts = []
          length = 0
        } else if (rest.byteLength > 0) {
          // a copy: the stream may reuse the chunk's memory
          parts.push(rest.slice())
          length += rest.byteLength
        }
        break
      }
      const line = finish(bytes.subarray(start, end))
      if (line != null) { yield line }
      start = end + 1
    }
  }
  if (length > 0 || dropped >= 0) {
    const line = finish(new Uint8Array(0))
    if (line != null) { yield line }
  }
}
