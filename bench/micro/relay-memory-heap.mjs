/* eslint-disable no-console */
// Compares two V8 heap snapshots of one process (relay-memory.mjs --snapshot DIR writes them):
// the objects alive in `after` and not in `before` (V8 keeps an object's id across snapshots),
// grouped by constructor, by their own size and by what they retain (dominator tree of `after`),
// divided by --per (the connections added between the two).
//
//   node --max-old-space-size=4096 bench/micro/relay-memory-heap.mjs DIR/before.heapsnapshot DIR/after.heapsnapshot
//        [--per 600] [--top 40] [--owners YamuxMuxer,Socket,...] [--paths 'system / JSArrayBufferData']
//        [--retainers ArrayBuffer --size 8192 --depth 3]
//
// --owners: each new object's bytes go to the nearest object of these constructors that reaches
//   it (fewest references, through new objects), so the connection's parts add up without counting
//   a byte twice; an owner from before the first snapshot (a service's store) is marked "(older)";
//   bytes no owner reaches go to "(other)".
// --paths LABEL: the new objects of that label grouped by their size and their chain of dominators
//   (edge name from the dominator, then the dominators' labels), to see who keeps them.
// --retainers LABEL (optionally --size BYTES): those new objects grouped by their retainers up to
//   --depth levels (every strong edge that points at them, not only the dominating one): a small
//   Buffer slice keeps Node's whole 8 KiB pool slab alive, and the slab's retainers name the slices.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    per: { type: 'string', default: '1' },
    top: { type: 'string', default: '40' },
    owners: { type: 'string', default: '' },
    paths: { type: 'string' },
    retainers: { type: 'string' },
    size: { type: 'string' },
    depth: { type: 'string', default: '3' }
  }
})
const PER = Number(opts.per)
const TOP = Number(opts.top)

function load (file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'))
  const meta = snap.snapshot.meta
  const nf = meta.node_fields
  const ef = meta.edge_fields
  const nodeTypes = meta.node_types[0]
  const edgeTypes = meta.edge_types[0]
  const N = snap.nodes.length / nf.length
  const S = nf.length
  const iType = nf.indexOf('type')
  const iName = nf.indexOf('name')
  const iId = nf.indexOf('id')
  const iSize = nf.indexOf('self_size')
  const iEdges = nf.indexOf('edge_count')
  const E = ef.length
  const eType = ef.indexOf('type')
  const eName = ef.indexOf('name_or_index')
  const eTo = ef.indexOf('to_node')
  const firstEdge = new Uint32Array(N + 1)
  for (let i = 0, e = 0; i < N; i++) {
    firstEdge[i] = e
    e += snap.nodes[i * S + iEdges] * E
  }
  firstEdge[N] = snap.edges.length
  const weak = edgeTypes.indexOf('weak')
  const shortcut = edgeTypes.indexOf('shortcut')
  return {
    N,
    id: (i) => snap.nodes[i * S + iId],
    size: (i) => snap.nodes[i * S + iSize],
    /** constructor name for objects, "(type)" or "(type) name" for the rest */
    label (i) {
      const type = nodeTypes[snap.nodes[i * S + iType]]
      const name = snap.strings[snap.nodes[i * S + iName]]
      if (type === 'object' || type === 'native') return name
      if (type === 'closure') return `(closure) ${name === '' ? '(anonymous)' : name}`
      if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return '(string)'
      if (type === 'array') return `(array) ${name}`
      if (type === 'hidden' || type === 'code') return `(${type}) ${name.slice(0, 40)}`
      return `(${type})`
    },
    /** the name of the first edge from `from` to `to` */
    edgeTo (from, to) {
      for (let e = firstEdge[from]; e < firstEdge[from + 1]; e += E) {
        if (snap.edges[e + eTo] / S !== to) continue
        const name = snap.edges[e + eName]
        return edgeTypes[snap.edges[e + eType]] === 'element' || edgeTypes[snap.edges[e + eType]] === 'hidden' ? `[${name}]` : snap.strings[name]
      }
      return '?'
    },
    /** strong children of i (weak and shortcut edges do not keep anything alive) */
    * children (i) {
      for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += E) {
        const t = snap.edges[e + eType]
        if (t === weak || t === shortcut) continue
        yield snap.edges[e + eTo] / S
      }
    },
  }
}

/** immediate dominators from node 0 (Cooper, Harvey and Kennedy's iterative algorithm) */
function dominators (h) {
  const order = new Int32Array(h.N).fill(-1) // postorder number
  const post = []
  const stack = [0]
  const iters = [h.children(0)]
  order[0] = -2
  while (stack.length > 0) {
    const top = stack.length - 1
    const next = iters[top].next()
    if (next.done) {
      order[stack[top]] = post.length
      post.push(stack[top])
      stack.pop()
      iters.pop()
    } else if (order[next.value] === -1) {
      order[next.value] = -2
      stack.push(next.value)
      iters.push(h.children(next.value))
    }
  }
  const preds = Array.from({ length: h.N }, () => [])
  for (const i of post) for (const c of h.children(i)) preds[c].push(i)
  const idom = new Int32Array(h.N).fill(-1)
  idom[0] = 0
  const intersect = (a, b) => {
    while (a !== b) {
      while (order[a] < order[b]) a = idom[a]
      while (order[b] < order[a]) b = idom[b]
    }
    return a
  }
  for (let changed = true; changed;) {
    changed = false
    for (let k = post.length - 2; k >= 0; k--) {
      const b = post[k]
      let d = -1
      for (const p of preds[b]) {
        if (order[p] < 0 || idom[p] === -1) continue
        d = d === -1 ? p : intersect(p, d)
      }
      if (d !== -1 && idom[b] !== d) { idom[b] = d; changed = true }
    }
  }
  return { idom, post }
}

const [beforeFile, afterFile] = positionals
const before = load(beforeFile)
const oldIds = new Set()
for (let i = 0; i < before.N; i++) oldIds.add(before.id(i))
const after = load(afterFile)
const isNew = new Uint8Array(after.N)
for (let i = 0; i < after.N; i++) isNew[i] = oldIds.has(after.id(i)) ? 0 : 1

// own size of the new objects, by label
const own = new Map()
for (let i = 0; i < after.N; i++) {
  if (isNew[i] === 0) continue
  const row = own.get(after.label(i)) ?? { count: 0, bytes: 0 }
  row.count++
  row.bytes += after.size(i)
  own.set(after.label(i), row)
}
const totalNew = [...own.values()].reduce((n, r) => n + r.bytes, 0)
const kib = (b) => (b / PER / 1024).toFixed(2)
const table = (title, rows) => {
  console.log(`\n${title}`)
  console.log('| what | count / conn | KiB / conn |\n| --- | ---: | ---: |')
  for (const [label, r] of rows.slice(0, TOP)) console.log(`| ${label.replace(/\|/g, '\\|')} | ${(r.count / PER).toFixed(2)} | ${kib(r.bytes)} |`)
}
console.log(`new objects: ${kib(totalNew)} KiB / conn (own sizes; ${PER} connections)`)
table('own size of new objects, by constructor', [...own].sort((a, b) => b[1].bytes - a[1].bytes))

// what each new object retains, summed by constructor (nested owners count their parts again)
const { idom, post } = dominators(after)
const retained = new Float64Array(after.N)
for (const i of post) {
  retained[i] += after.size(i)
  if (i !== 0 && idom[i] >= 0) retained[idom[i]] += retained[i]
}
const byRetained = new Map()
for (let i = 0; i < after.N; i++) {
  if (isNew[i] === 0) continue
  const row = byRetained.get(after.label(i)) ?? { count: 0, bytes: 0 }
  row.count++
  row.bytes += retained[i]
  byRetained.set(after.label(i), row)
}
table('retained size of new objects, by constructor (owners nest: a Connection includes its muxer)', [...byRetained].sort((a, b) => b[1].bytes - a[1].bytes))

if (opts.owners !== '') {
  // every new object goes to the owner (a new object of one of the --owners constructors) that
  // reaches it in the fewest steps through new objects: a breadth-first walk from all owners at
  // once, which never walks into another owner. The dominator tree is no help here: most of a
  // connection's objects are reachable along several paths (the connection manager's map, the
  // muxer's closures, timers), so their dominator is the root.
  const owners = new Set(opts.owners.split(','))
  const ownerOf = new Int32Array(after.N).fill(-1)
  let queue = []
  for (let i = 0; i < after.N; i++) {
    // an owner may be older than the first snapshot (a service's store): what it holds of the new objects is its share
    if (owners.has(after.label(i))) { ownerOf[i] = i; queue.push(i) }
  }
  while (queue.length > 0) {
    const next = []
    for (const i of queue) {
      for (const c of after.children(i)) {
        if (isNew[c] === 0 || ownerOf[c] !== -1) continue
        ownerOf[c] = ownerOf[i]
        next.push(c)
      }
    }
    queue = next
  }
  const share = new Map()
  for (let i = 0; i < after.N; i++) {
    if (isNew[i] === 0) continue
    const key = ownerOf[i] === -1 ? '(other)' : after.label(ownerOf[i]) + (isNew[ownerOf[i]] === 1 ? '' : ' (older)')
    const row = share.get(key) ?? { count: 0, bytes: 0 }
    if (ownerOf[i] === i) row.count++
    row.bytes += after.size(i)
    share.set(key, row)
  }
  const ranked = [...share].sort((a, b) => b[1].bytes - a[1].bytes)
  table('own size of new objects by nearest owner', ranked)
  // what the largest shares are made of
  for (const [owner] of ranked.slice(0, 4)) {
    const parts = new Map()
    for (let i = 0; i < after.N; i++) {
      if (isNew[i] === 0 || (ownerOf[i] === -1 ? '(other)' : after.label(ownerOf[i]) + (isNew[ownerOf[i]] === 1 ? '' : ' (older)')) !== owner) continue
      const row = parts.get(after.label(i)) ?? { count: 0, bytes: 0 }
      row.count++
      row.bytes += after.size(i)
      parts.set(after.label(i), row)
    }
    table(`${owner}'s share, by constructor`, [...parts].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 12))
  }
}

if (opts.paths != null) {
  const groups = new Map()
  for (let i = 0; i < after.N; i++) {
    if (isNew[i] === 0 || after.label(i) !== opts.paths || idom[i] === -1) continue
    const chain = []
    for (let o = i, k = 0; o !== 0 && k < 7; o = idom[o], k++) chain.push(`${after.edgeTo(idom[o], o)} <- ${after.label(idom[o])}`)
    const key = `${after.size(i)} B: ${chain.join(' | ')}`
    const row = groups.get(key) ?? { count: 0, bytes: 0 }
    row.count++
    row.bytes += after.size(i)
    groups.set(key, row)
  }
  table(`new ${opts.paths} by size and dominator chain`, [...groups].sort((a, b) => b[1].bytes - a[1].bytes))
}

if (opts.retainers != null) {
  const parents = Array.from({ length: after.N }, () => [])
  for (let i = 0; i < after.N; i++) for (const c of after.children(i)) parents[c].push(i)
  const depth = Number(opts.depth)
  const describe = (i, level) => {
    if (level === depth) return ''
    const ps = [...new Set(parents[i].map(p => `${after.edgeTo(p, i)} <- ${after.label(p)}${describe(p, level + 1)}`))]
    return ps.length === 0 ? '' : ` (${ps.slice(0, 4).join('; ')}${ps.length > 4 ? `; +${ps.length - 4}` : ''})`
  }
  const groups = new Map()
  for (let i = 0; i < after.N; i++) {
    if (isNew[i] === 0 || after.label(i) !== opts.retainers) continue
    if (opts.size != null && after.size(i) !== Number(opts.size)) continue
    const key = describe(i, 0).replace(/<- \(array\) \((\d+)\)/g, '<- (array)').replace(/\[\d+\]/g, '[n]')
    const row = groups.get(key) ?? { count: 0, bytes: 0 }
    row.count++
    row.bytes += retained[i]
    groups.set(key, row)
  }
  table(`new ${opts.retainers} by retainers (bytes: retained)`, [...groups].sort((a, b) => b[1].count - a[1].count))
}
