#!/usr/bin/env python3
"""Per-INVITE proxy latency on the wire, from a pcap of a SIP proxy's UDP traffic.

Usage: wire_latency.py FILE.pcap --port PROXY_PORT [--ip 127.0.0.1]

For each Call-ID it pairs the first INVITE arriving at the proxy (destination PROXY_PORT)
with the first INVITE the proxy sends on (source PROXY_PORT), and with the first 100
Trying the proxy sends back to the INVITE's sender. Prints, in microseconds, count, p50,
p90, p99 and max of "INVITE in -> INVITE out" and "INVITE in -> 100 out", and how many
INVITEs in had no INVITE out. Used by load_bench.sh (which imports measure()).

Standard library only: the classic pcap format (not pcapng; tcpdump -w writes pcap),
micro- or nanosecond timestamps, either byte order; link types Ethernet (1), Linux cooked
v1 (113) and v2 (276), BSD loopback (0) and raw IP (101, 228); IPv4 and UDP only
(fragments are skipped).
"""
import argparse
import struct
import sys

_ETHERTYPE_IPV4 = 0x0800


def packets(path):
    """Yields (timestamp in ns, src ip, src port, dst ip, dst port, UDP payload)."""
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return  # tcpdump stopped before writing anything
        magic = head[:4]
        if magic == b"\xd4\xc3\xb2\xa1":
            endian, scale = "<", 1000
        elif magic == b"\xa1\xb2\xc3\xd4":
            endian, scale = ">", 1000
        elif magic == b"\x4d\x3c\xb2\xa1":
            endian, scale = "<", 1
        elif magic == b"\xa1\xb2\x3c\x4d":
            endian, scale = ">", 1
        else:
            raise ValueError(f"{path}: not a pcap file (magic {magic.hex()}; pcapng is not read)")
        linktype = struct.unpack(endian + "I", head[20:24])[0] & 0x0FFFFFFF
        rec = struct.Struct(endian + "IIII")
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                return  # end, or a record cut short when tcpdump was stopped
            sec, frac, incl, _orig = rec.unpack(rh)
            data = f.read(incl)
            if len(data) < incl:
                return
            ip = _ipv4(linktype, data)
            if ip is None:
                continue
            parsed = _udp(ip)
            if parsed is not None:
                yield (sec * 1_000_000_000 + frac * scale,) + parsed


def _ipv4(linktype, d):
    if linktype == 1:  # Ethernet (Linux lo), possibly VLAN-tagged
        off, etype = 14, int.from_bytes(d[12:14], "big")
        while etype in (0x8100, 0x88A8) and len(d) >= off + 4:
            etype, off = int.from_bytes(d[off + 2:off + 4], "big"), off + 4
        return d[off:] if etype == _ETHERTYPE_IPV4 else None
    if linktype == 113:  # Linux cooked v1: protocol at 14, 16-byte header
        return d[16:] if int.from_bytes(d[14:16], "big") == _ETHERTYPE_IPV4 else None
    if linktype == 276:  # Linux cooked v2: protocol at 0, 20-byte header
        return d[20:] if int.from_bytes(d[0:2], "big") == _ETHERTYPE_IPV4 else None
    if linktype == 0:  # BSD loopback: 4-byte address family in host order
        return d[4:] if d[:4] in (b"\x02\0\0\0", b"\0\0\0\x02") else None
    if linktype in (101, 228):  # raw IP / raw IPv4
        return d if d[:1] and d[0] >> 4 == 4 else None
    raise ValueError(f"link type {linktype} is not read")


def _udp(ip):
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
        return None
    if int.from_bytes(ip[6:8], "big") & 0x3FFF:  # more fragments or an offset
        return None
    ihl = (ip[0] & 0x0F) * 4
    total = int.from_bytes(ip[2:4], "big")
    udp = ip[ihl:total] if total else ip[ihl:]
    if len(udp) < 8:
        return None
    src = ".".join(str(b) for b in ip[12:16])
    dst = ".".join(str(b) for b in ip[16:20])
    return (src, int.from_bytes(udp[0:2], "big"), dst, int.from_bytes(udp[2:4], "big"),
            udp[8:])


def _sip(payload):
    """(first line, Call-ID, CSeq method) of a SIP message, or None."""
    head = payload.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    if not head or (b"SIP/2.0" not in head[0]):
        return None
    call_id = method = None
    for line in head[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        name = name.strip().lower()
        if name in (b"call-id", b"i"):
            call_id = value.strip()
        elif name == b"cseq":
            parts = value.split()
            method = parts[1] if len(parts) > 1 else None
    return head[0], call_id, method


def percentile(sorted_values, p):
    """Nearest-rank percentile of a sorted list (p in 0..100)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def summary(values_ns):
    v = sorted(values_ns)
    us = lambda ns: None if ns is None else ns / 1000
    return {"count": len(v), "p50": us(percentile(v, 50)), "p90": us(percentile(v, 90)),
            "p99": us(percentile(v, 99)), "max": us(v[-1] if v else None)}


def measure(path, port, ip="127.0.0.1"):
    """{"relay": summary, "trying": summary, "invites": n, "unrelayed": n}."""
    inv_in, inv_src, inv_out, trying = {}, {}, {}, {}
    for ts, src, sport, dst, dport, payload in packets(path):
        msg = _sip(payload)
        if msg is None or msg[1] is None:
            continue
        first, call_id, method = msg
        if dst == ip and dport == port and first.startswith(b"INVITE "):
            if call_id not in inv_in:
                inv_in[call_id], inv_src[call_id] = ts, (src, sport)
        elif src == ip and sport == port:
            if first.startswith(b"INVITE "):
                inv_out.setdefault(call_id, ts)
            elif (first.startswith(b"SIP/2.0 100") and method == b"INVITE"
                  and inv_src.get(call_id) == (dst, dport)):
                trying.setdefault(call_id, ts)
    relay = [inv_out[c] - t for c, t in inv_in.items() if c in inv_out]
    tried = [trying[c] - t for c, t in inv_in.items() if c in trying]
    return {"relay": summary(relay), "trying": summary(tried), "invites": len(inv_in),
            "unrelayed": sum(1 for c in inv_in if c not in inv_out)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pcap")
    ap.add_argument("--port", type=int, required=True, help="the proxy's SIP port")
    ap.add_argument("--ip", default="127.0.0.1", help="the proxy's IPv4 address")
    a = ap.parse_args()
    r = measure(a.pcap, a.port, a.ip)
    print(f"INVITEs in: {r['invites']}, not relayed: {r['unrelayed']}")
    for key, label in (("relay", "INVITE in -> INVITE out"), ("trying", "INVITE in -> 100 out")):
        s = r[key]
        if not s["count"]:
            print(f"{label}: none")
            continue
        print(f"{label} (us): count {s['count']} p50 {s['p50']:.0f} p90 {s['p90']:.0f} "
              f"p99 {s['p99']:.0f} max {s['max']:.0f}")
    return 0 if r["relay"]["count"] else 1


if __name__ == "__main__":
    sys.exit(main())
