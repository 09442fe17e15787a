#!/usr/bin/env bash
# Prepares the `chromium-ours` (build.sh ours) or `chromium-js-v3.3` (build.sh js) transport-interop
# implementation (interop/runner/implementations.mjs, run kind 'build-script'): checks that Chromium
# and playwright-core are there, bundles the browser node (entry.mjs, esbuild) against our packages
# or js-libp2p 3.3.11 into dist/<stack>.js, writes the launcher dist/chromium-ping-<stack> (the
# machine's node running ping.mjs <stack>) and prints its path as the last stdout line.
#
# Without Chromium or playwright-core it prints "... not present" and exits 0: the runner then skips
# chromium-ours's cases with that line.
set -euo pipefail
STACK="${1:-ours}"
case "$STACK" in ours|js) ;; *) echo "usage: build.sh ours|js" >&2; exit 2 ;; esac

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
  const b = await buildBrowserBundle('$STACK', { entry: '$HERE/entry.mjs' })
  if (b.nodeImports.length > 0) throw new Error('the bundle imports ' + b.nodeImports.join(', '))
  fs.writeFileSync('$HERE/dist/$STACK.js', b.code)
  console.error('bundle: ' + b.bytes + ' bytes (' + b.gzipBytes + ' gzipped), esbuild ' + b.esbuild + ', ' + b.ms + ' ms')
" >&2

cat >"$HERE/dist/chromium-ping-$STACK" <<LAUNCHER
#!/bin/sh
exec "$NODE" "$HERE/ping.mjs" $STACK "\$@"
LAUNCHER
chmod +x "$HERE/dist/chromium-ping-$STACK"
echo "$HERE/dist/chromium-ping-$STACK"
