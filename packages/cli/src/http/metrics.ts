import { send, sendText } from './respond.js'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * What /metrics serves: a prom-client Registry has this shape (`registry.metrics()`, and its
 * `contentType`, the text exposition format's version), so the node passes the registry that
 * `prometheusMetrics({ registry })` records into.
 */
export interface MetricsSource {
  metrics(): Promise<string>
  readonly contentType: string
}

/** `/metrics`: the registry's text, or 404 when the node runs without metrics */
export async function serveMetrics (source: MetricsSource | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (source == null) {
    sendText(res, 404, 'this node runs without metrics\n')
    return
  }
  let text
  try {
    text = await source.metrics()
  } catch (err: any) {
    // a collector that throws (one callback of a calculated metric) must not take the page down with it
    sendText(res, 500, `collecting the metrics failed: ${String(err?.message ?? err)}\n`)
    return
  }
  send(res, 200, source.contentType, text, { 'Cache-Control': 'no-store' })
}
