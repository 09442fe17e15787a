import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'

/** every response: no MIME sniffing of what the node sends */
const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff' }

/** a complete response with a body (Node leaves the body out for HEAD by itself) */
export function send (res: ServerResponse, status: number, contentType: string, body: string | Uint8Array, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...headers
  })
  res.end(body)
}

export function sendText (res: ServerResponse, status: number, text: string, headers?: OutgoingHttpHeaders): void {
  send(res, status, 'text/plain; charset=utf-8', text, headers)
}

/** JSON that changes with the node's state: never cached */
export function sendJson (res: ServerResponse, status: number, value: unknown, headers?: OutgoingHttpHeaders): void {
  send(res, status, 'application/json', JSON.stringify(value) + '\n', { 'Cache-Control': 'no-store', ...headers })
}
