// Preload for the micro-benchmarks' child processes: keeps --heap-ballast MiB (env HEAP_BALLAST_MIB,
// default 24) of small long-lived JS objects, to see how the GC behaves with a larger heap:
//
//   HEAP_BALLAST_MIB=24 node bench/micro/procs.mjs --child-flags='--trace-gc --import ./bench/micro/heap-ballast.mjs'
//
// V8 sets the old generation's allocation limit from the live heap after each mark-compact
// (~3x a ~9 MB heap: 24 MB here), and ArrayBuffer memory allocated since the last mark-compact
// (socket reads, node:crypto output) counts against it. A small heap streaming Buffers therefore
// starts marking every ~16 MB of Buffers; with the ballast the limit is higher and the same
// transfer costs scavenges only.
const mib = Number(process.env.HEAP_BALLAST_MIB ?? 24)
const objects = []
// ~100 bytes per object
for (let i = 0; i < mib * 1024 * 1024 / 100; i++) objects.push({ i, s: 'b' + i, a: [i] })
globalThis.__heapBallast = objects
