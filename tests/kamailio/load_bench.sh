#!/usr/bin/env bash
# Load benchmark (issue 9 item 5): sipp calls at RATE calls/s for SECONDS through
# Kamailio + ctid (a route lookup per INVITE) and, in the same run, through the same
# kamailio.cfg with WITH_STATIC_ROUTE (no lookup). In both runs ctid's evapi adapter
# (--kamailio-evapi) receives Kamailio's call events and acks them. Prints calls
# attempted/succeeded/failed, sipp's INVITE->100 and INVITE->200 times (whole ms), the CPU
# seconds Kamailio and ctid used, the events ctid appended/found duplicate/refused
# (ctid_kamailio_evapi_* on GET /metrics) and those left pending in Kamailio, and, when
# tcpdump can capture on lo, the proxy's INVITE in -> INVITE out and INVITE in -> 100 out
# on the wire in microseconds (wire_latency.py), whose difference between the runs is
# what the lookup adds. Not a CTest test unless configured with -DCTI_KAMAILIO_BENCH=ON
# (then the --short form runs).
# Usage: tests/kamailio/load_bench.sh [--rate N] [--seconds N] [--short] [--no-wire]
#   --short: 50 calls/s for 3 s (CI); uses tcpdump only when installed.
#   --no-wire: no capture. Otherwise, running as root, tcpdump is installed with apt-get
#   when missing; not root: the wire figures are skipped.
#   Build first: ctid and ctictl in ${CTI_BUILD_DIR:-build}/bin.
# Exit code 1 when a call failed or an event stayed pending in either run.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${CTI_BUILD_DIR:-$root/build}/bin"
here="$root/tests/kamailio"
rate=100
seconds=60
short=0
wire=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --short) rate=50; seconds=3; short=1; shift ;;
    --no-wire) wire=0; shift ;;
    *) echo "load_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for p in kamailio kamcmd sipp; do
  command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || { echo "load_bench.sh: $p missing (deploy/setup.sh)" >&2; exit 2; }
done
PATH="$PATH:/usr/sbin"
"$bin/ctid" --help 2>/dev/null | grep -q -- --kamailio-evapi \
  || { echo "load_bench.sh: $bin/ctid has no --kamailio-evapi (rebuild ctid)" >&2; exit 2; }

# The wire capture (optional): root and tcpdump.
wire_note=""
if [ "$wire" = 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    wire=0; wire_note="not root"
  elif ! command -v tcpdump >/dev/null; then
    if [ "$short" = 0 ] && command -v apt-get >/dev/null; then
      echo "load_bench.sh: installing tcpdump for the wire figures (apt-get install -y tcpdump)" >&2
      apt-get install -y tcpdump >/dev/null 2>&1 || true
    fi
    command -v tcpdump >/dev/null || { wire=0; wire_note="tcpdump missing"; }
  fi
  [ "$wire" = 1 ] || echo "load_bench.sh: wire figures skipped ($wire_note)" >&2
fi

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
evapi_metrics() {  # ctid's ctid_kamailio_evapi_* as "name value" lines (name without prefix)
  python3 - "$http_port" <<'PY'
import sys, urllib.request
page = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=5).read().decode()
for line in page.splitlines():
    if line.startswith("ctid_kamailio_evapi_"):
        name, value = line.split()[:2]
        print(name[len("ctid_kamailio_evapi_"):], value)
PY
}
metric() { awk -v n="$2" '$1 == n { print $2 }' <<<"$1"; }
pending_of() {  # entries in Kamailio's ctipending (events not acked by ctid)
  kamcmd -s "unix:$1/ctl" htable.stats 2>/dev/null | awk '/name: ctipending/{f=1} f&&/all:/{print $2; exit}'
}

# ctid with the demo municipality, Tuesday 10:00, its evapi adapter on the port every
# run's Kamailio listens on (one Kamailio at a time; ctid reconnects).
http_port="$(freeport)"
ev="$(freeport)"
"$bin/ctid" --data-dir "$work/data" --listen 127.0.0.1:0 --port-file "$work/ctid.port" \
  --plaintext --insecure-dev-identity \
  --http-listen "127.0.0.1:$http_port" --kamailio-sip-domain sip.sydby.test \
  --kamailio-evapi "127.0.0.1:$ev" \
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

# What to dial. ctid's events make an employee busy while on a call, and Route then rings
# someone else, so the caller dials the demo's extensions in turn (each again only after
# ~N/RATE s) and every extension is mapped to the one sipp phone. Dialled: the extensions
# whose document (probed now, all with one probe Call-ID: one CallOffered record) rings
# the employee first; an absent employee's document starts elsewhere.
python3 - "$root/deploy/demo/demo.jsonl" "$http_port" "$work" <<'PY'
import json, re, sys, urllib.parse, urllib.request
demo, port, work = sys.argv[1:]
exts = sorted(set(re.findall(r'"extension": *"([0-9]+)"', open(demo).read())))
dial = []
for e in exts:
    q = urllib.parse.urlencode({"tenant": "demo", "to": e, "from": "+4512345678",
                                "call_id": "load-bench-probe"})
    try:
        doc = json.load(urllib.request.urlopen(
            f"http://127.0.0.1:{port}/kamailio/route?{q}", timeout=5))
    except OSError:
        continue
    routes = doc.get("routes") or [{}]
    if routes[0].get("uri", "").startswith(f"sip:{e}@"):
        dial.append(e)
open(f"{work}/phones.txt", "w").write("".join(f"{e}\n" for e in exts))
open(f"{work}/dial.csv", "w").write("SEQUENTIAL\n" + "".join(f"{e};\n" for e in dial))
open(f"{work}/dial.note", "w").write(f"{len(dial)} of the demo's {len(exts)} extensions in turn")
if not dial:
    sys.exit(1)
PY

# One run: Kamailio with `defines`, ctid connected to its evapi, one sipp phone for every
# extension, tcpdump on lo (when $wire), the caller. Appends its rows to $work/*.rows.
run() {
  local name="$1"; shift
  local dir="$work/$name" sip uas
  mkdir -p "$dir"
  sip="$(freeport)"; uas="$(freeport)"
  local m0 conns0
  m0="$(evapi_metrics)"; conns0="$(metric "$m0" connections_total)"
  kamailio -f "$root/deploy/kamailio/kamailio.cfg" -DD -E -Y "$dir" -P "$dir/kamailio.pid" \
    -A WITH_STATIC_PHONES -A SIP_IP=127.0.0.1 -A "SIP_PORT=$sip" -A 'SIP_DOMAIN="sip.sydby.test"' \
    -A "CTID_HTTPCON=\"ctid=>http://127.0.0.1:$http_port/kamailio\"" -A 'CTID_TENANT="demo"' \
    -A "EVAPI_ADDR=\"127.0.0.1:$ev\"" -A "CTL_SOCKET=\"unix:$dir/ctl\"" "$@" \
    >"$dir/kamailio.out" 2>"$dir/kamailio.err" &
  local kpid=$!
  pids+=("$kpid")
  for _ in $(seq 1 100); do kamcmd -s "unix:$dir/ctl" core.uptime >/dev/null 2>&1 && break; sleep 0.1; done
  sipp -sf "$here/scenarios/bench_uas.xml" -i 127.0.0.1 -p "$uas" -mp "$(freeport)" \
    -cp "$(freeport)" -ci 127.0.0.1 -nostdin >"$dir/uas.out" 2>&1 &
  pids+=("$!")
  sed "s|.*|htable.sets phones s:& sip:&@127.0.0.1:$uas|" "$work/phones.txt" \
    | kamcmd -s "unix:$dir/ctl" >/dev/null
  # ctid (re)connects with a backoff of up to 5 s.
  local m
  for _ in $(seq 1 100); do
    m="$(evapi_metrics)"
    [ "$(metric "$m" connected)" = 1 ] && [ "$(metric "$m" connections_total)" != "$conns0" ] && break
    sleep 0.1
  done
  [ "$(metric "$m" connected)" = 1 ] || { echo "load_bench.sh: ctid did not connect to evapi ($name)" >&2; exit 1; }
  m0="$m"
  local tpid=""
  if [ "$wire" = 1 ]; then
    tcpdump -i lo -s 0 -B 16384 -n -Z root --time-stamp-precision nano -w "$dir/sip.pcap" \
      "udp port $sip" >"$dir/tcpdump.out" 2>"$dir/tcpdump.err" &
    tpid=$!
    pids+=("$tpid")
    for _ in $(seq 1 50); do grep -q "listening on" "$dir/tcpdump.err" && break; sleep 0.1; done
  fi
  sleep 0.5
  local k0 c0 k1 c1 started ended
  k0="$(cpu_of_tree "$kpid")"; c0="$(cpu_of_tree "$ctid_pid")"; started="$(date +%s.%N)"
  sipp "127.0.0.1:$sip" -sf "$here/scenarios/bench_uac.xml" -inf "$work/dial.csv" -key caller +4512345678 \
    -i 127.0.0.1 -p "$(freeport)" -mp "$(freeport)" -cp "$(freeport)" -ci 127.0.0.1 -nostdin \
    -r "$rate" -m "$((rate * seconds))" -l "$((rate * 10))" -timeout "$((seconds + 60))s" \
    -trace_stat -stf "$dir/stat.csv" -fd 1 -trace_err -error_file "$dir/uac.err" \
    >"$dir/uac.out" 2>&1 || true
  ended="$(date +%s.%N)"
  k1="$(cpu_of_tree "$kpid")"; c1="$(cpu_of_tree "$ctid_pid")"
  if [ -n "$tpid" ]; then
    sleep 0.2
    kill -INT "$tpid" 2>/dev/null || true
    wait "$tpid" 2>/dev/null || true
  fi
  # The last calls' events: acked within ms; Kamailio re-sends unacked ones every 2 s.
  local pending
  for _ in $(seq 1 100); do
    pending="$(pending_of "$dir")"
    [ "${pending:-x}" = 0 ] && break
    sleep 0.1
  done
  m="$(evapi_metrics)"
  printf '%s\n' "$m0" >"$dir/metrics.before"
  printf '%s\n' "$m" >"$dir/metrics.after"
  python3 - "$name" "$dir" "$started" "$ended" "$k0" "$k1" "$c0" "$c1" "${pending:-?}" \
    "$sip" "$here" "$work" <<'PY'
import json, os, sys
name, d, t0, t1, k0, k1, c0, c1, pending, sip, here, work = sys.argv[1:]
rows = [l.rstrip("\n").split(";") for l in open(f"{d}/stat.csv") if l.strip()]
head, last = rows[0], rows[-1]
col = lambda k: last[head.index(k)]
def ms(v):
    h, m, s, us = v.split(":"); return (int(h) * 3600 + int(m) * 60 + int(s)) * 1000 + int(us) / 1000
wall = float(t1) - float(t0)
ok, failed = int(col("SuccessfulCall(C)")), int(col("FailedCall(C)"))
with open(f"{work}/calls.rows", "a") as out:
    out.write(f"| {name} | {int(col('TotalCallCreated'))} | {ok} | {failed} | {ok / wall:.1f} | "
              f"{ms(col('ResponseTime1(C)')):.2f} | {ms(col('ResponseTime2(C)')):.2f} | "
              f"{float(k1) - float(k0):.1f} | {float(c1) - float(c0):.1f} |\n")
met = lambda f: {l.split()[0]: float(l.split()[1]) for l in open(f) if l.strip()}
b, a = met(f"{d}/metrics.before"), met(f"{d}/metrics.after")
delta = lambda k: int(a.get(k, 0) - b.get(k, 0))
with open(f"{work}/events.rows", "a") as out:
    out.write(f"| {name} | {delta('events_received_total')} | {delta('events_appended_total')} | "
              f"{delta('events_duplicate_total')} | {delta('events_refused_total')} | "
              f"{delta('events_dropped_total')} | {delta('events_transient_failures_total')} | "
              f"{int(a.get('events_held', 0))} | {delta('connection_losses_total')} | {pending} |\n")
bad = failed or not ok or pending != "0" or delta("events_refused_total") or a.get("events_held", 0)
if os.path.exists(f"{d}/sip.pcap"):
    sys.path.insert(0, here)
    import wire_latency
    r = wire_latency.measure(f"{d}/sip.pcap", int(sip))
    json.dump(r, open(f"{d}/wire.json", "w"))
    dropped = "?"
    try:
        for l in open(f"{d}/tcpdump.err"):
            if "dropped by kernel" in l: dropped = l.split()[0]
    except OSError:
        pass
    f = lambda s, k: "-" if s[k] is None else f"{s[k]:.0f}"
    rl, tr = r["relay"], r["trying"]
    with open(f"{work}/wire.rows", "a") as out:
        out.write(f"| {name} | {r['invites']} | {rl['count']} | {f(rl, 'p50')} | {f(rl, 'p90')} | "
                  f"{f(rl, 'p99')} | {f(rl, 'max')} | {f(tr, 'p50')} | {f(tr, 'p99')} | {dropped} |\n")
if bad:
    open(f"{d}/failed", "w").close()
PY
  kill "$kpid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$kpid" 2>/dev/null || break; sleep 0.1; done
}

run "kamailio+ctid"
run "kamailio static route" -A WITH_STATIC_ROUTE

echo "Load: $rate calls/s for $seconds s dialling $(cat "$work/dial.note"), 1 sipp phone for all answering after 50 ms, 200 ms talk, UDP, $(nproc) cores"
echo
echo "| run | calls | ok | failed | ok/s | INVITE→100 ms (sipp) | INVITE→200 ms (sipp) | Kamailio CPU s | ctid CPU s |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
cat "$work/calls.rows"
echo
echo "Events (ctid_kamailio_evapi_* during the run; held: at the end; pending: left in Kamailio's ctipending):"
echo
echo "| run | received | appended | duplicate | refused | dropped | transient | held | conn. lost | pending |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
cat "$work/events.rows"
echo
if cat "$work/ctid.out" "$work/ctid.err" | grep -q "kamailio evapi: .* refused:"; then
  echo "Refused by ctid (its log, at most 10; both runs share one ctid):"
  echo
  cat "$work/ctid.out" "$work/ctid.err" | grep "kamailio evapi: .* refused:" | head -10 |
    sed 's/^/    /'
  echo
fi
if [ -s "$work/wire.rows" ]; then
  echo "On the wire (tcpdump on lo, µs; relayed = INVITE in → INVITE out to the phone at Kamailio):"
  echo
  echo "| run | INVITEs in | relayed | in→out p50 | p90 | p99 | max | in→100 p50 | in→100 p99 | pcap drops |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  cat "$work/wire.rows"
  python3 - "$work/kamailio+ctid/wire.json" "$work/kamailio static route/wire.json" <<'PY'
import json, sys
try:
    l, s = (json.load(open(p)) for p in sys.argv[1:])
except OSError:
    sys.exit(0)
d = lambda k, p: "-" if l[k][p] is None or s[k][p] is None else f"{l[k][p] - s[k][p]:+.0f}"
print(f"| lookup adds | | | {d('relay', 'p50')} | {d('relay', 'p90')} | {d('relay', 'p99')} | "
      f"| {d('trying', 'p50')} | {d('trying', 'p99')} | |")  # max: single outliers, no difference
PY
else
  echo "On the wire: skipped (${wire_note:-no capture})."
fi
if ls "$work"/*/failed >/dev/null 2>&1; then
  echo "load_bench.sh: calls failed or events were left (see $work, kept with CTI_KEEP_TEST_DIRS=1)" >&2
  exit 1
fi
