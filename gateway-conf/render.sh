#!/bin/sh
#
# render.sh -- turn a Kannel config template with @NAME@ placeholders into a
# concrete config file.
#
# usage: gateway-conf/render.sh [TEMPLATE [OUTPUT]]
#
#   TEMPLATE  default gateway-conf/kannel-dev.conf
#   OUTPUT    default $RUNDIR/kannel.conf; "-" writes to stdout
#
# Every @NAME@ in the template is replaced by the environment variable NAME.
# These always have defaults:
#
#   ADMIN_PORT=13000 SMSBOX_PORT=13001 SENDSMS_PORT=13013 FAKE_PORT=10000
#   SMPP_PORT=2775 IDLINE_URL=http://127.0.0.1:8080
#   RUNDIR=<repo>/var/kannel (made absolute; created if missing)
#   LOGDIR=$RUNDIR
#   DLR_SPOOL=$RUNDIR/dlr-spool (created if the template uses it: Kannel
#             creates the subdirectories but not the spool directory)
#   SECRET_QS= derived: "" or "secret=$IDLINE_SECRET&"
#
# Only a template containing the line "# render.sh: dev defaults" (that is
# kannel-dev.conf) also gets development credentials:
#
#   ADMIN_PASSWORD=dev-admin STATUS_PASSWORD=dev-status
#   SENDSMS_USER=idline SENDSMS_PASSWORD=dev-sendsms IDLINE_SECRET=
#
# Anything else (the production templates' @SMSC_HOST@, passwords, ...) must
# be set in the environment, or rendering fails and names what is missing;
# for those templates empty *PASSWORD* / *SECRET* values are refused too.
# Values may not contain '"' or newlines; IDLINE_SECRET only [A-Za-z0-9._~-].
# The output is written with mode 600 (it holds passwords).
#
# Examples:
#   SMPP_PORT=2776 IDLINE_URL=http://127.0.0.1:9090 gateway-conf/render.sh
#   env $(cat /etc/idline/kannel.env) gateway-conf/render.sh \
#       gateway-conf/kannel-smpp.conf.template /etc/kannel/idline-sms.conf
#
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

tmpl=${1:-$here/kannel-dev.conf}
[ -r "$tmpl" ] || { echo "render.sh: cannot read template $tmpl" >&2; exit 1; }

: "${ADMIN_PORT:=13000}" "${SMSBOX_PORT:=13001}" "${SENDSMS_PORT:=13013}"
: "${FAKE_PORT:=10000}" "${SMPP_PORT:=2775}"
: "${IDLINE_URL:=http://127.0.0.1:8080}"
: "${RUNDIR:=$repo/var/kannel}"
dev=0
if grep -q '^# render.sh: dev defaults$' "$tmpl"; then
	dev=1
	: "${ADMIN_PASSWORD:=dev-admin}" "${STATUS_PASSWORD:=dev-status}"
	: "${SENDSMS_USER:=idline}" "${SENDSMS_PASSWORD:=dev-sendsms}"
	: "${IDLINE_SECRET:=}"
fi

case $RUNDIR in /*) ;; *) RUNDIR=$(pwd)/$RUNDIR ;; esac
: "${LOGDIR:=$RUNDIR}"
case $LOGDIR in /*) ;; *) LOGDIR=$(pwd)/$LOGDIR ;; esac
: "${DLR_SPOOL:=$RUNDIR/dlr-spool}"
case $DLR_SPOOL in /*) ;; *) DLR_SPOOL=$(pwd)/$DLR_SPOOL ;; esac
IDLINE_URL=${IDLINE_URL%/}

# The secret goes into a URL that Kannel also scans for %-escapes.
case ${IDLINE_SECRET:-} in
*[!A-Za-z0-9._~-]*)
	echo "render.sh: IDLINE_SECRET may only hold A-Z a-z 0-9 . _ ~ -" >&2
	exit 1 ;;
esac
if [ -n "${IDLINE_SECRET:-}" ]; then
	SECRET_QS="secret=$IDLINE_SECRET&"
else
	SECRET_QS=
fi

export ADMIN_PORT SMSBOX_PORT SENDSMS_PORT FAKE_PORT SMPP_PORT IDLINE_URL
export RUNDIR LOGDIR DLR_SPOOL SECRET_QS

out=${2:-$RUNDIR/kannel.conf}

# Build one sed expression per placeholder found in the template.
script=$(mktemp)
trap 'rm -f "$script" "${tmpout:-}"' EXIT INT TERM
missing=
for name in $(grep -o '@[A-Z][A-Z0-9_]*@' "$tmpl" | tr -d @ | sort -u); do
	if ! eval "[ \"\${$name+set}\" = set ]"; then
		missing="$missing $name"
		continue
	fi
	eval "val=\${$name}"
	case $val in
	*'"'*|*'
'*)
		echo "render.sh: value of $name contains '\"' or a newline" >&2
		exit 1 ;;
	esac
	case $dev$name in
	0*PASSWORD*|0*SECRET*)
		if [ -z "$val" ]; then
			echo "render.sh: $name must not be empty" >&2
			exit 1
		fi ;;
	esac
	# Escape what is special on the right-hand side of s|||.
	esc=$(printf '%s' "$val" | sed -e 's/[\\&|]/\\&/g')
	printf 's|@%s@|%s|g\n' "$name" "$esc" >>"$script"
done
if [ -n "$missing" ]; then
	echo "render.sh: set these in the environment:$missing" >&2
	exit 1
fi

if [ "$out" = - ]; then
	sed -f "$script" "$tmpl"
	exit 0
fi
umask 077
mkdir -p "$RUNDIR" "$LOGDIR" "$(dirname "$out")"
if grep -q '@DLR_SPOOL@' "$tmpl"; then
	mkdir -p "$DLR_SPOOL"
fi
tmpout=$(mktemp "$(dirname "$out")/.render.XXXXXX")
sed -f "$script" "$tmpl" >"$tmpout"
mv -f "$tmpout" "$out"
tmpout=
echo "$out"
