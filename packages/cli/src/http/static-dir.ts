import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { contentTypeOf } from './content-types.js'
import { sendText } from './respond.js'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The segments of a URL path below a mount point, decoded, or undefined when one of them could
 * step outside the directory or name something a URL should not (`..`, `.`, an encoded slash or
 * backslash, a NUL byte) or does not decode at all.
 */
function safeSegments (rest: string): string[] | undefined {
  const segments: string[] = []
  for (const raw of rest.split('/')) {
    if (raw === '') { continue }
    let segment
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return undefined
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) { return undefined }
    segments.push(segment)
  }
  return segments
}

function inside (top: string, path: string): boolean {
  return path === top || path.startsWith(top + sep)
}

/**
 * The regular file `segments` name below `root` (a directory's index.html), with its size, or
 * undefined when there is none or when it lies outside `root` once symbolic links are resolved.
 */
async function findFile (root: string, segments: string[]): Promise<{ file: string, size: number } | undefined> {
  try {
    const top = await realpath(root)
    let file = await realpath(join(top, ...segments))
    let info = await stat(file)
    if (info.isDirectory()) {
      file = await realpath(join(file, 'index.html'))
      info = await stat(file)
    }
    return inside(top, file) && info.isFile() ? { file, size: info.size } : undefined
  } catch {
    // missing, unreadable, a dangling link: all look the same from outside
    return undefined
  }
}

/**
 * Serves the files of `root` for a path below a mount point (`rest`, still URL-encoded, without the
 * query): a directory gives its index.html, the Content-Type comes from the extension. A path that
 * tries to leave `root`, including through a symbolic link that points outside it, is answered 404
 * like a missing file, so nothing outside `root` can be probed.
 */
export async function serveStatic (root: string, rest: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const segments = safeSegments(rest)
  if (segments == null) {
    sendText(res, 400, 'bad path\n')
    return
  }
  const found = await findFile(root, segments)
  if (found == null) {
    sendText(res, 404, 'not found\n')
    return
  }
  res.writeHead(200, {
    'Content-Type': contentTypeOf(found.file),
    'Content-Length': found.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff'
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  const stream = createReadStream(found.file)
  // the headers are sent: a read error can only cut the response short
  stream.once('error', () => { res.destroy() })
  res.once('close', () => { stream.destroy() })
  stream.pipe(res)
}
