#!/usr/bin/env bash
# rust listener x rust dialer for every transport/security/muxer this peer supports, on 127.0.0.1,
# against a Redis you started (REDIS_PORT, default 6392). Prints one line per case; exits 1 if any
# case failed. Builds first (build.sh). Logs of the last case: $TMPDIR/rust-peer-selftest.*
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${REDIS_PORT:-6392}"
bin="$("$here/build.sh" | tail -1)"
if [[ ! -x "$bin" ]]; then echo "skipped: $bin"; exit 0; fi
redis-cli -p "$port" ping >/dev/null || { echo "no redis on 127.0.0.1:$port" >&2; exit 1; }
tmp="${TMPDIR:-/tmp}/rust-peer-selftest"
pass=0 fail=0
run() { # transport security muxer
  redis-cli -p "$port" DEL listenerAddr >/dev/null
  export transport=$1 security=$2 muxer=$3 ip=127.0.0.1 redis_addr="127.0.0.1:$port" test_timeout_seconds=20
  is_dialer=false "$bin" 2>"$tmp.listener.err" &
  local l=$!
  is_dialer=true timeout 30 "$bin" >"$tmp.dialer.out" 2>"$tmp.dialer.err"
  local rc=$?
  kill "$l" 2>/dev/null; wait "$l" 2>/dev/null
  local out; out="$(cat "$tmp.dialer.out")"
  if [[ $rc -eq 0 && "$out" == *'"handshakePlusOneRTTMillis":'* && "$out" == *'"pingRTTMilllis":'* ]]; then
    pass=$((pass + 1)); echo "ok   $1 ${2:--} ${3:--} $out"
  else
    fail=$((fail + 1)); echo "FAIL $1 ${2:--} ${3:--} rc=$rc $(tail -1 "$tmp.dialer.err")"
  fi
}
for t in tcp ws; do for s in noise tls; do for m in yamux mplex; do run $t $s $m; done; done; done
run quic-v1 "" ""
run webrtc-direct "" ""
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
