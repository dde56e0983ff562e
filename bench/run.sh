#!/usr/bin/env bash
# make bench: throughput of idline hops against the bare-HTTP floor of the
# same daemon (GET /healthz: libmicrohttpd + routing, no engine) in the same
# run.  Reports ratios; absolute numbers on a shared machine mean little.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/idline}
DUR=${DUR:-5}
CONN=${CONN:-32}
command -v wrk >/dev/null || { echo "bench needs wrk (apt-get install -y wrk)"; exit 1; }
dir=$(mktemp -d /tmp/idline-bench.XXXXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$BIN" seed docs/demo --db "$dir/b.db" >/dev/null 2>&1
"$BIN" serve --db "$dir/b.db" --listen 127.0.0.1:$port 2>"$dir/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for i in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# rps CONNECTIONS ARGS...: requests per second over DUR seconds.
rps() { c=$1; shift; wrk -t2 -c"$c" -d"${DUR}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
u="http://127.0.0.1:$port"
f32=$(rps "$CONN" "$u/healthz")
menu=$(rps "$CONN" -s bench/ussd.lua "$u")
f2=$(rps 2 "$u/healthz")
status=$(rps 2 -s bench/status.lua "$u")
f32b=$(rps "$CONN" "$u/healthz")
f2b=$(rps 2 "$u/healthz")
python3 - "$f32" "$f32b" "$menu" "$f2" "$f2b" "$status" "$CONN" <<'PY'
import sys
a, b, menu, c, d, status = map(float, sys.argv[1:7])
conn = sys.argv[7]
f32, f2 = (a + b) / 2, (c + d) / 2
print("%s connections:" % conn)
print("  bare-HTTP floor (GET /healthz)    %8.0f req/s (runs %.0f, %.0f)" % (f32, a, b))
print("  USSD hop, new session (AT POST)   %8.0f req/s = %.2f x floor" % (menu, menu / f32))
print("2 connections, hops in order:")
print("  bare-HTTP floor (GET /healthz)    %8.0f req/s (runs %.0f, %.0f)" % (f2, c, d))
print("  status journey hop (3 per answer) %8.0f req/s = %.2f x floor" % (status, status / f2))
print("  = %.0f status answers/s (each: verify, SQLite read, audit commit)" % (status / 3))
PY
