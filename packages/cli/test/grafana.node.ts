/**
 * docs/grafana/libp2p-node.json queries the node's metrics by name: every name it uses must be one
 * the node registers, or a renamed metric would leave an empty panel that no other test notices.
 */
import { readFile } from 'node:fs/promises'
import { expect } from 'aegir/chai'
import { httpGet, startHttpNode } from './fixtures/http-node.js'
import { tempDirPerTest } from './fixtures/nodes.js'
import type { HttpNode } from './fixtures/http-node.js'

const DASHBOARD = new URL('../../../../docs/grafana/libp2p-node.json', import.meta.url)
const METRIC_NAME = /\b(?:libp2p|nodejs|process)_[a-z0-9_]+/g

describe('the Grafana dashboard in docs', function () {
  this.timeout(60_000)
  let node: HttpNode | undefined
  afterEach(async () => {
    await node?.proc.stop()
    node = undefined
  })
  const temp = tempDirPerTest('libp2p-grafana-')

  it('queries only metrics that the node registers at /metrics', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8'))
    const queried = new Set<string>()
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const name of target.expr.match(METRIC_NAME) ?? []) { queried.add(name) }
      }
    }
    expect(queried.size).to.be.greaterThan(10)
    node = await startHttpNode(['--data-dir', temp.dir()])
    const res = await httpGet(node.port, '/metrics')
    expect(res.status).to.equal(200)
    // a metric with no samples yet (a counter group before its first label) still has its TYPE line
    const registered = new Set([...res.body.matchAll(/^# TYPE (\S+) /gm)].map(m => m[1]))
    expect([...queried].filter(name => !registered.has(name))).to.deep.equal([])
  })
})
