#!/usr/bin/env bash
# Builds the go-libp2p interop peer outside the repo.
#
#   interop/go-peer/build.sh            -> binary at $OUT (printed as the last stdout line)
#   interop/go-peer/build.sh dht        -> the DHT peer (module in dht/, own go.mod) instead
#   interop/go-peer/build.sh relay      -> the protocol table's relay program (relay/, main module)
#   interop/go-peer/build.sh identify-push  -> its identify-push program (identify-push/)
#
# OUT defaults to ${INTEROP_CACHE:-$HOME/.cache/libp2p-ts-interop}/go-peer/go-peer
# (go-peer/go-dht-peer for `dht`, go-peer/go-<name> for relay and identify-push).
# GOCACHE / GOMODCACHE keep Go's defaults (outside the repo) unless set by the caller.
# Skips the build when $OUT is newer than every source file here.
# Without a usable Go toolchain it prints "go toolchain not present", writes the marker
# file $OUT.unavailable (removing any stale binary), and exits 0. After a successful build
# the marker is removed, so: binary present <=> peer usable.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT_DIR="${INTEROP_CACHE:-$HOME/.cache/libp2p-ts-interop}/go-peer"
# The DHT peer is a separate module (dht/go.mod): go-libp2p-kad-dht needs a newer go-libp2p than
# the ping/perf peer is pinned to, and one module would move both.
case "${1:-}" in
  "") SRC="$HERE"; OUT="${OUT:-$OUT_DIR/go-peer}" ;;
  dht) SRC="$HERE/dht"; OUT="${OUT:-$OUT_DIR/go-dht-peer}" ;;
  relay|identify-push) SRC="$HERE"; PKG="./$1"; OUT="${OUT:-$OUT_DIR/go-$1}" ;;
  *) echo "usage: build.sh [dht|relay|identify-push]" >&2; exit 2 ;;
esac
MARKER="$OUT.unavailable"
MIN_GO="1.25.7" # go-libp2p v0.48.0's go directive

mkdir -p "$(dirname "$OUT")"

sources_newer_than_out() {
  [ -x "$OUT" ] || return 0
  # build.sh itself counts for both; the main module does not look inside dht/.
  [ "$HERE/build.sh" -nt "$OUT" ] && return 0
  [ -n "$(find "$SRC" -maxdepth 3 \( -path "$HERE/dht" -a ! -path "$SRC" \) -prune -o -newer "$OUT" \( -name '*.go' -o -name go.mod -o -name go.sum \) -print -quit)" ]
}

unavailable() {
  echo "$1"
  rm -f "$OUT"
  printf '%s\n' "$1" >"$MARKER"
  echo "marker: $MARKER"
  exit 0
}

if ! sources_newer_than_out; then
  rm -f "$MARKER"
  echo "$(basename "$OUT") is up to date (build skipped)"
  echo "$OUT"
  exit 0
fi

GO_BIN="${GO:-}"
if [ -z "$GO_BIN" ]; then
  if command -v go >/dev/null 2>&1; then
    GO_BIN="$(command -v go)"
  elif [ -x /usr/local/go/bin/go ]; then
    GO_BIN=/usr/local/go/bin/go
  fi
fi
if [ -z "$GO_BIN" ] || ! "$GO_BIN" version >/dev/null 2>&1; then
  unavailable "go toolchain not present"
fi

# Never let `go` fetch a newer toolchain on its own: use the local one or report it too old.
export GOTOOLCHAIN=local
GO_VERSION="$("$GO_BIN" env GOVERSION)" # e.g. go1.26.8
have="${GO_VERSION#go}"
if [ "$(printf '%s\n%s\n' "$MIN_GO" "$have" | sort -V | head -n1)" != "$MIN_GO" ]; then
  unavailable "go toolchain not present (found $GO_VERSION, need >= go$MIN_GO)"
fi

echo "building $(basename "$OUT") with $GO_VERSION -> $OUT"
start=$(date +%s.%N)
(
  cd "$SRC"
  CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly" "$GO_BIN" build -trimpath -o "$OUT" "${PKG:-.}"
)
end=$(date +%s.%N)
rm -f "$MARKER"
printf '%s built in %.1f s\n' "$(basename "$OUT")" "$(echo "$end - $start" | bc 2>/dev/null || awk "BEGIN{print $end - $start}")"
echo "$OUT"
