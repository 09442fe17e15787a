#!/usr/bin/env bash
# Prepares the `chromium-ours` transport-interop implementation (interop/runner/implementations.mjs,
# run kind 'build-script'): checks that Chromium and playwright-core are there, bundles our browser
# node (interop/browser/entry.mjs, esbuild) into dist/ours.js, writes the launcher dist/chromium-ping
# (the machine's node running ping.mjs) and prints its path as the last stdout line.
#
# Without Chromium or playwright-core it prints "... not present" and exits 0: the runner then skips
# chromium-ours's cases with that line.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE="${npm_node_execpath:-$(command -v node)}"
mkdir -p "$HERE/dist"

reason="$("$NODE" --input-type=module -e "
  import { chromiumUnavailable } from '$HERE/../browser/chromium.mjs'
  console.log((await chromiumUnavailable()) ?? '')
")"
if [ -n "$reason" ]; then
  echo "Chromium not present: $reason"
  exit 0
fi

"$NODE" --input-type=module -e "
  import fs from 'node:fs'
  import { buildBrowserBundle } from '$HERE/../browser/bundle.mjs'
  const b = await buildBrowserBundle('ours')
  if (b.nodeImports.length > 0) throw new Error('the bundle imports ' + b.nodeImports.join(', '))
  fs.writeFileSync('$HERE/dist/ours.js', b.code)
  console.error('bundle: ' + b.bytes + ' bytes (' + b.gzipBytes + ' gzipped), esbuild ' + b.esbuild + ', ' + b.ms + ' ms')
" >&2

cat >"$HERE/dist/chromium-ping" <<LAUNCHER
#!/bin/sh
exec "$NODE" "$HERE/ping.mjs" "\$@"
LAUNCHER
chmod +x "$HERE/dist/chromium-ping"
echo "$HERE/dist/chromium-ping"
