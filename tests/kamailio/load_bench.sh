#!/usr/bin/env bash
# Load benchmark (issue 9 item 5): sipp calls at RATE calls/s for SECONDS through
# Kamailio + ctid (a route lookup per INVITE, events over evapi acked by a stand-in
# client) and, in the same run, through the same kamailio.cfg with WITH_STATIC_ROUTE (no
# lookup). Prints calls attempted/succeeded/failed, INVITE->100 (the lookup and relay)
# and INVITE->200 times, and the CPU seconds Kamailio and ctid used. Not a CTest test
# unless configured with -DCTI_KAMAILIO_BENCH=ON (then the --short form runs).
# Usage: tests/kamailio/load_bench.sh [--rate N] [--seconds N] [--short]
#   --short: 50 calls/s for 3 s (CI). Build first: ctid and ctictl in build/bin.
# Exit code 1 when a call failed in either run.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${CTI_BUILD_DIR:-$root/build}/bin"
here="$root/tests/kamailio"
rate=100
seconds=60
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --short) rate=50; seconds=3; shift ;;
    *) echo "load_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for p in kamailio kamcmd sipp; do
  command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || { echo "load_bench.sh: $p missing (deploy/setup.sh)" >&2; exit 2; }
done
PATH="$PATH:/usr/sbin"
work="$(mktemp -d /tmp/cti-kamailio-bench-XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -n "${CTI_KEEP_TEST_DIRS:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

freeport() {  # a 127.0.0.1 port free for UDP and TCP
  python3 - <<'PY'
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        t.close(); u.close()
PY
}
cpu_of_tree() {  # CPU seconds (user+system) of a pid and its descendants
  python3 - "$1" <<'PY'
import os, sys
root = int(sys.argv[1]); tick = os.sysconf("SC_CLK_TCK"); kids = {}; cpu = {}
for d in os.listdir("/proc"):
    if not d.isdigit(): continue
    try: s = open(f"/proc/{d}/stat").read()
    except OSError: continue
    f = s[s.rfind(")") + 2:].split()
    kids.setdefault(int(f[1]), []).append(int(d)); cpu[int(d)] = int(f[11]) + int(f[12])
total, todo = 0, [root]
while todo:
    p = todo.pop(); total += cpu.get(p, 0); todo += kids.get(p, [])
print(f"{total / tick:.2f}")
PY
}

# ctid with the demo municipality, Tuesday 10:00.
http_port="$(freeport)"
"$bin/ctid" --data-dir "$work/data" --listen 127.0.0.1:0 --port-file "$work/ctid.port" \
  --http-listen "127.0.0.1:$http_port" --kamailio-sip-domain sip.sydby.test \
  --clock-start 2026-12-01T10:00:00+01:00 >"$work/ctid.out" 2>"$work/ctid.err" &
ctid_pid=$!
pids+=("$ctid_pid")
for _ in $(seq 1 300); do [ -s "$work/ctid.port" ] && break; sleep 0.1; done
[ -s "$work/ctid.port" ] || { echo "ctid did not start"; tail "$work/ctid.err"; exit 1; }
server="127.0.0.1:$(cat "$work/ctid.port")"
"$bin/ctictl" --server "$server" --tenant demo --actor demo-loader --role system \
  append "$root/deploy/demo/demo.jsonl" >/dev/null
"$bin/ctictl" --server "$server" --tenant demo --actor e314 --role director \
  append "$root/deploy/demo/demo-director.jsonl" >/dev/null

# One run: Kamailio with `defines`, an evapi acker, a sipp phone for 4239, the caller.
run() {
  local name="$1"; shift
  local dir="$work/$name" sip ev uas
  mkdir -p "$dir"
  sip="$(freeport)"; ev="$(freeport)"; uas="$(freeport)"
  kamailio -f "$root/deploy/kamailio/kamailio.cfg" -DD -E -Y "$dir" -P "$dir/kamailio.pid" \
    -A WITH_STATIC_PHONES -A SIP_IP=127.0.0.1 -A "SIP_PORT=$sip" -A 'SIP_DOMAIN="sip.sydby.test"' \
    -A "CTID_HTTPCON=\"ctid=>http://127.0.0.1:$http_port/kamailio\"" -A 'CTID_TENANT="demo"' \
    -A "EVAPI_ADDR=\"127.0.0.1:$ev\"" -A "CTL_SOCKET=\"unix:$dir/ctl\"" "$@" \
    >"$dir/kamailio.out" 2>"$dir/kamailio.err" &
  local kpid=$!
  pids+=("$kpid")
  for _ in $(seq 1 100); do kamcmd -s "unix:$dir/ctl" core.uptime >/dev/null 2>&1 && break; sleep 0.1; done
  python3 - "$ev" >"$dir/acker.out" 2>&1 <<'PY' &
import json, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); buf = b""; n = 0
while True:
    d = s.recv(65536)
    if not d: break
    buf += d
    while True:
        c = buf.find(b":")
        if c < 0: break
        size = int(buf[:c])
        if len(buf) < c + size + 2: break
        msg = buf[c + 1:c + 1 + size]; buf = buf[c + 2 + size:]
        a = json.dumps({"ack": json.loads(msg)["id"]}).encode()
        s.sendall(str(len(a)).encode() + b":" + a + b","); n += 1
PY
  pids+=("$!")
  sipp -sf "$here/scenarios/bench_uas.xml" -i 127.0.0.1 -p "$uas" -mp "$(freeport)" \
    -cp "$(freeport)" -ci 127.0.0.1 -nostdin >"$dir/uas.out" 2>&1 &
  pids+=("$!")
  kamcmd -s "unix:$dir/ctl" htable.sets phones s:4239 "sip:4239@127.0.0.1:$uas" >/dev/null
  sleep 0.5
  local k0 c0 k1 c1 started ended
  k0="$(cpu_of_tree "$kpid")"; c0="$(cpu_of_tree "$ctid_pid")"; started="$(date +%s.%N)"
  sipp "127.0.0.1:$sip" -sf "$here/scenarios/bench_uac.xml" -s 4239 -key caller +4512345678 \
    -i 127.0.0.1 -p "$(freeport)" -mp "$(freeport)" -cp "$(freeport)" -ci 127.0.0.1 -nostdin \
    -r "$rate" -m "$((rate * seconds))" -l "$((rate * 10))" -timeout "$((seconds + 60))s" \
    -trace_stat -stf "$dir/stat.csv" -fd 1 -trace_err -error_file "$dir/uac.err" \
    >"$dir/uac.out" 2>&1 || true
  ended="$(date +%s.%N)"
  k1="$(cpu_of_tree "$kpid")"; c1="$(cpu_of_tree "$ctid_pid")"
  local pending
  pending="$(kamcmd -s "unix:$dir/ctl" htable.stats 2>/dev/null | awk '/name: ctipending/{f=1} f&&/all:/{print $2; exit}')"
  python3 - "$name" "$dir/stat.csv" "$started" "$ended" "$k0" "$k1" "$c0" "$c1" "${pending:-?}" <<'PY'
import sys
name, path, t0, t1, k0, k1, c0, c1, pending = sys.argv[1:]
rows = [l.rstrip("\n").split(";") for l in open(path) if l.strip()]
head, last = rows[0], rows[-1]
col = lambda k: last[head.index(k)]
def ms(v):
    h, m, s, us = v.split(":"); return (int(h) * 3600 + int(m) * 60 + int(s)) * 1000 + int(us) / 1000
wall = float(t1) - float(t0)
ok, failed = int(col("SuccessfulCall(C)")), int(col("FailedCall(C)"))
print(f"| {name} | {int(col('TotalCallCreated'))} | {ok} | {failed} | {ok / wall:.1f} | "
      f"{ms(col('ResponseTime1(C)')):.2f} | {ms(col('ResponseTime2(C)')):.2f} | "
      f"{float(k1) - float(k0):.1f} | {float(c1) - float(c0):.1f} | {pending} |")
if failed or not ok:
    open(path + ".failed", "w").close()
PY
  kill "$kpid" 2>/dev/null || true
}

echo "Load: $rate calls/s for $seconds s, 1 phone answering after 50 ms, 200 ms talk, UDP, $(nproc) cores"
echo
echo "| run | calls | ok | failed | ok/s | INVITE→100 ms | INVITE→200 ms | Kamailio CPU s | ctid CPU s | events pending |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
run "kamailio+ctid"
run "kamailio static route" -A WITH_STATIC_ROUTE
if ls "$work"/*/stat.csv.failed >/dev/null 2>&1; then
  echo "load_bench.sh: calls failed (see $work, kept with CTI_KEEP_TEST_DIRS=1)" >&2
  exit 1
fi
