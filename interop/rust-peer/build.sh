#!/usr/bin/env bash
# Builds the rust-libp2p interop peers (debug) and prints the paths of the binaries on stdout:
#   by default both bins, `rust-perf` (perf contract) on one line and then `rust-ping` (ping
#   contract) on the last line, which is what the interop runner takes;
#   BIN=<one [[bin]] of Cargo.toml> (or that name as the first argument) builds only that one and
#   prints only its path.
#   PROFILE=release builds with cargo's release profile (the perf table: debug figures are a floor,
#   not rust's speed) and prints target/release paths; the default is debug (the interop tests).
#   CARGO_TARGET_DIR defaults to ${INTEROP_CACHE:-$HOME/.cache/libp2p-ts-interop}/rust-target,
#   outside the repo. cargo itself makes a second run a no-op when nothing changed.
# With no cargo on the machine it says so and exits 0, so callers can skip the rust cases.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# A first argument names one bin too (the interop runner passes its `args` that way).
bins=(${1:-${BIN:-rust-perf rust-ping}})

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

profile="${PROFILE:-debug}"
profile_args=()
case "$profile" in
  debug) ;;
  release) profile_args=(--release) ;;
  *) echo "PROFILE must be debug or release, not $profile" >&2; exit 2 ;;
esac

# 2 shared cores: never more than 2 jobs. --locked: build exactly what Cargo.lock says.
bin_args=()
for b in "${bins[@]}"; do bin_args+=(--bin "$b"); done
"$cargo" build --locked --manifest-path "$here/Cargo.toml" "${profile_args[@]}" "${bin_args[@]}" -j 2 >&2

for b in "${bins[@]}"; do echo "$CARGO_TARGET_DIR/$profile/$b"; done
