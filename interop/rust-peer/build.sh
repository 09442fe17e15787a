#!/usr/bin/env bash
# Builds the rust-libp2p interop peer (debug) and prints the path of the binary on stdout.
#   BIN=rust-ping (default) | any [[bin]] of Cargo.toml
#   CARGO_TARGET_DIR defaults to ${INTEROP_CACHE:-$HOME/.cache/libp2p-ts-interop}/rust-target,
#   outside the repo. cargo itself makes a second run a no-op when nothing changed.
# With no cargo on the machine it says so and exits 0, so callers can skip the rust cases.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${BIN:-rust-ping}"

cargo="$(command -v cargo || true)"
if [[ -z "$cargo" && -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]]; then
  cargo="${CARGO_HOME:-$HOME/.cargo}/bin/cargo"
fi
if [[ -z "$cargo" ]]; then
  echo "rust toolchain not present"
  exit 0
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${INTEROP_CACHE:-$HOME/.cache/libp2p-ts-interop}/rust-target}"
mkdir -p "$CARGO_TARGET_DIR"

# 2 shared cores: never more than 2 jobs. --locked: build exactly what Cargo.lock says.
"$cargo" build --locked --manifest-path "$here/Cargo.toml" --bin "$bin" -j 2 >&2

echo "$CARGO_TARGET_DIR/debug/$bin"
