#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and starts ctid on the
# embedded log with the demo municipality (tenant "demo"), in the foreground.
# Data lives in var/ctid (kept between runs; loading the demo again is idempotent).
# Usage: deploy/run.sh [--listen HOST:PORT] [--data-dir DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
listen="127.0.0.1:7878"
data="$root/var/ctid"
while [ $# -gt 0 ]; do
  case "$1" in
    --listen) listen="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1 (known: --listen, --data-dir)" >&2; exit 2 ;;
  esac
done

"$root/deploy/setup.sh"
"$root/deploy/build.sh"
bin="${CTI_BUILD_DIR:-$root/build}/bin"
mkdir -p "$data"
portfile="$(mktemp)"
rm -f "$portfile"
# Local development: plaintext gRPC and identities from the x-cti-actor / x-cti-role
# headers ctictl sends (--actor, --role); ctid refuses that off loopback and warns. A
# real deployment uses --tls-cert/--tls-key and --identities (README, "Security").
"$bin/ctid" --data-dir "$data" --listen "$listen" --port-file "$portfile" \
  --plaintext --insecure-dev-identity &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM
for _ in $(seq 1 300); do
  [ -s "$portfile" ] && break
  kill -0 $pid 2>/dev/null || { echo "run.sh: ctid exited during start-up" >&2; exit 1; }
  sleep 0.1
done
[ -s "$portfile" ] || { echo "run.sh: ctid did not become ready in 30 s" >&2; kill $pid; exit 1; }
host="${listen%:*}"
server="$host:$(cat "$portfile")"
rm -f "$portfile"
"$bin/ctictl" --server "$server" --tenant demo --actor demo-loader --role system \
  append "$root/deploy/demo/demo.jsonl" >/dev/null
# The reduced hours and the unmanned period need a director's approval (TP-3.13, TP-4.7):
# appended as the approving director, e314 (Teknik og Miljø), after the rest.
"$bin/ctictl" --server "$server" --tenant demo --actor e314 --role director \
  append "$root/deploy/demo/demo-director.jsonl" >/dev/null
echo "ctid is serving the demo municipality on $server (Ctrl-C stops it)."
echo "Try: $bin/ctictl --server $server status"
echo "     $bin/ctictl --server $server search boligstøtte"
wait $pid
