#!/bin/sh
#
# run-dev.sh -- start Kannel's bearerbox + smsbox in the foreground with the
# development configuration (gateway-conf/kannel-dev.conf rendered by
# gateway-conf/render.sh), print how to send a test SMS, and stop both boxes
# by PID on Ctrl-C.  `make gateway` runs this.
#
# usage: gateway-conf/run-dev.sh
#
# The render.sh variables apply (ADMIN_PORT SMSBOX_PORT SENDSMS_PORT
# FAKE_PORT SMPP_PORT IDLINE_URL RUNDIR ...), e.g.
#     IDLINE_URL=http://127.0.0.1:9090 gateway-conf/run-dev.sh
# idline itself is not started here: run it in another terminal.
#
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

BEARERBOX=${BEARERBOX:-/usr/sbin/bearerbox}
SMSBOX=${SMSBOX:-/usr/sbin/smsbox}
FAKESMSC=${FAKESMSC:-/usr/lib/kannel/test/fakesmsc}

: "${ADMIN_PORT:=13000}" "${SMSBOX_PORT:=13001}" "${SENDSMS_PORT:=13013}"
: "${FAKE_PORT:=10000}" "${SMPP_PORT:=2775}"
: "${IDLINE_URL:=http://127.0.0.1:8080}"
: "${RUNDIR:=$repo/var/kannel}"
case $RUNDIR in /*) ;; *) RUNDIR=$(pwd)/$RUNDIR ;; esac
IDLINE_URL=${IDLINE_URL%/}
export ADMIN_PORT SMSBOX_PORT SENDSMS_PORT FAKE_PORT SMPP_PORT IDLINE_URL
export RUNDIR
# The dev credentials render.sh puts into kannel-dev.conf.
STATUS_PASSWORD=${STATUS_PASSWORD:-dev-status}
SENDSMS_USER=${SENDSMS_USER:-idline}
SENDSMS_PASSWORD=${SENDSMS_PASSWORD:-dev-sendsms}
export STATUS_PASSWORD SENDSMS_USER SENDSMS_PASSWORD

for b in "$BEARERBOX" "$SMSBOX"; do
	if [ ! -x "$b" ]; then
		echo "run-dev.sh: $b not found; install Kannel:" \
		    "sudo apt-get install kannel kannel-extras" >&2
		exit 1
	fi
done
if ! command -v curl >/dev/null 2>&1; then
	echo "run-dev.sh: curl is needed (sudo apt-get install curl)" >&2
	exit 1
fi

# A port already taken (often by the Debian kannel service, on 13000)
# makes a box PANIC with a less helpful message.
if command -v bash >/dev/null 2>&1; then
	for p in "$ADMIN_PORT" "$SMSBOX_PORT" "$SENDSMS_PORT" "$FAKE_PORT"; do
		if bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; then
			echo "run-dev.sh: port $p is already in use (the Debian" \
			    "kannel service? another run-dev.sh?)" >&2
			exit 1
		fi
	done
fi

conf=$(sh "$here/render.sh" "$here/kannel-dev.conf" "$RUNDIR/kannel.conf")
bb_pid_file=$RUNDIR/bearerbox.pid
sb_pid_file=$RUNDIR/smsbox.pid

# Kannel refuses to start over a pid file: drop those whose PID is dead.
for f in "$bb_pid_file" "$sb_pid_file"; do
	if [ -f "$f" ]; then
		pid=$(cat "$f" 2>/dev/null || true)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			echo "run-dev.sh: $f: PID $pid is still running;" \
			    "stop it first" >&2
			exit 1
		fi
		rm -f "$f"
	fi
done

bb=
sb=
stop() {
	trap - INT TERM EXIT
	# smsbox first (quick when nothing is queued), then bearerbox, each
	# by its PID; SIGKILL if it is still there after 15 s.
	for pid in $sb $bb; do
		kill -TERM "$pid" 2>/dev/null || continue
		n=0
		while kill -0 "$pid" 2>/dev/null && [ $n -lt 150 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "run-dev.sh: PID $pid ignored SIGTERM; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	for f in "$bb_pid_file" "$sb_pid_file"; do
		pid=$(cat "$f" 2>/dev/null || true)
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$f"
		fi
	done
	echo "run-dev.sh: Kannel stopped"
}
trap 'stop; exit 0' INT TERM
trap 'stop' EXIT

# The boxes run in their own session (setsid), so Ctrl-C reaches only this
# script, which then stops them in order.  Their output goes to this
# terminal (fd 3), not into the $(...) that reads their PID.
exec 3>&1
start_box() { # binary pidfile -> prints the box's PID
	setsid "$1" -v 1 -p "$2" "$conf" </dev/null >&3 2>&3 &
	spid=$!
	n=0
	while [ ! -s "$2" ] && [ $n -lt 50 ] && kill -0 "$spid" 2>/dev/null
	do
		sleep 0.1
		n=$((n + 1))
	done
	if [ -s "$2" ]; then cat "$2"; else echo "$spid"; fi
}

status_url="http://127.0.0.1:$ADMIN_PORT/status.txt?password=$STATUS_PASSWORD"
bb=$(start_box "$BEARERBOX" "$bb_pid_file")
n=0
until curl -fs -o /dev/null "$status_url"; do
	if ! kill -0 "$bb" 2>/dev/null || [ $n -ge 150 ]; then
		echo "run-dev.sh: bearerbox did not start; see" \
		    "$RUNDIR/bearerbox.log" >&2
		exit 1
	fi
	sleep 0.1
	n=$((n + 1))
done
sb=$(start_box "$SMSBOX" "$sb_pid_file")
n=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SENDSMS_PORT/cgi-bin/sendsms" || true)" != 000 ]; do
	if ! kill -0 "$sb" 2>/dev/null || [ $n -ge 150 ]; then
		echo "run-dev.sh: smsbox did not start; see" \
		    "$RUNDIR/smsbox.log" >&2
		exit 1
	fi
	sleep 0.1
	n=$((n + 1))
done

u="username=$SENDSMS_USER&password=$SENDSMS_PASSWORD"
# "حالة 100000000004 04072001" as fakesmsc wants UCS-2: URL-encoded UTF-16BE
ar='%06%2D%06%27%06D%06%29%00%20%001%000%000%000%000%000%000%000%000%000'
ar="$ar%000%004%00%20%000%004%000%007%002%000%000%001"
cat <<EOF

Kannel is up: bearerbox PID $bb, smsbox PID $sb.  Ctrl-C stops both.
  config  $conf
  logs    $RUNDIR/{bearerbox,smsbox}{,-access}.log
  status  curl -s '$status_url'
MOs are passed to idline at $IDLINE_URL/sms/kannel: run it in another
terminal (make run).

Send test SMS as a phone with fakesmsc, one MO per line; the replies show
as "Got message N: <8000 +256700111222 text ...>" (Ctrl-C quits it):
  $FAKESMSC -H 127.0.0.1 -r $FAKE_PORT -i 0 -v 0
  +256700111222 8000 text STATUS 100000000003 31121978
  +256700111222 8000 text MENU
  +256700111222 8000 ucs2 $ar
(the last line is Arabic, "حالة 100000000004 04072001" as URL-encoded
UTF-16BE).  Senders without "+" need phone.default_country_code in
idline's config.

Or call idline the way smsbox does, with curl:
  curl -G $IDLINE_URL/sms/kannel --data-urlencode from=+256700111222 \\
    --data-urlencode 'text=STATUS 100000000003 31121978' \\
    --data-urlencode "time=\$(date '+%Y-%m-%d %H:%M:%S')"

Send an SMS out through smsbox, as idline's outbox does:
  curl '127.0.0.1:$SENDSMS_PORT/cgi-bin/sendsms?$u&from=8000&to=%2B256700111222&text=Hello'
For idline's outbox, give idline a config (--config FILE) with:
  outbox:
    sendsms_url: http://127.0.0.1:$SENDSMS_PORT/cgi-bin/sendsms
    username: $SENDSMS_USER
    password: $SENDSMS_PASSWORD
    from: "8000"
    dlr_url: $IDLINE_URL/sms/kannel/dlr

USSD over SMPP: python3 tests/kannel/fake_smpp.py --port $SMPP_PORT, then
type: ussd 256700111222 123 1 SESS-1 *123#

EOF

# Foreground: wait for Ctrl-C, or for a box to die on its own.
while kill -0 "$bb" 2>/dev/null && kill -0 "$sb" 2>/dev/null; do
	sleep 1
done
echo "run-dev.sh: a box exited by itself; see $RUNDIR/*.log" >&2
exit 1
