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
"$BIN" seed docs/demo --db "$dir/b.db" >/dev/null
"$BIN" serve --db "$dir/b.db" --listen 127.0.0.1:$port 2>"$dir/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for i in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
rps() { wrk -t2 -c"$CONN" -d"${DUR}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
lat() { wrk -t2 -c"$CONN" -d"${DUR}s" --latency "$@" | awk '/ 99%/ {print $2}'; }
floor=$(rps "http://127.0.0.1:$port/healthz")
menu=$(rps -s bench/ussd.lua "http://127.0.0.1:$port")
status=$(rps -s bench/status.lua "http://127.0.0.1:$port")
floor2=$(rps "http://127.0.0.1:$port/healthz")
python3 - "$floor" "$menu" "$status" "$floor2" <<'PY'
import sys
f1, menu, status, f2 = map(float, sys.argv[1:])
floor = (f1 + f2) / 2
print("bare-HTTP floor (GET /healthz)   %9.0f req/s (runs: %.0f, %.0f)" % (floor, f1, f2))
print("USSD menu hop (new session)      %9.0f req/s  = %.2f of floor" % (menu, menu / floor))
print("USSD status answer (SQLite+audit)%9.0f req/s  = %.2f of floor" % (status, status / floor))
PY
