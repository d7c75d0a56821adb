#!/usr/bin/env python3
"""Splits the cluster bus TCP streams of a pcap into frames and saves one
frame of each message type (stdlib only; used by capture.sh).

Usage: pcap_frames.py BUS.pcap OUT_DIR

Each TCP direction is reassembled from its SYN by sequence number, then cut
into frames with the "RCmb" + big-endian totlen prefix, exactly as Redis's
clusterReadHandler reads them. "First" means first in capture time.
"""
import struct
import sys
from pathlib import Path

TYPES = ["ping", "pong", "meet", "fail", "publish", "auth-req", "auth-ack",
         "update", "mfstart", "module", "publishshard"]
FORCEACK = 2
EXT_DATA = 4


def packets(path):
    """Yields the TCP segments of an Ethernet or Linux-cooked IPv4 pcap."""
    data = Path(path).read_bytes()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    link_len = {1: 14, 113: 16, 276: 20}[linktype]
    pos = 24
    while pos + 16 <= len(data):
        sec, frac, incl = struct.unpack(endian + "III", data[pos:pos + 12])
        pkt = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        ip = pkt[link_len:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        tcp = ip[ihl:total]
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        flags = tcp[13]
        payload = tcp[(tcp[12] >> 4) * 4:]
        yield (ip[12:16], sport, ip[16:20], dport), (sec, frac), seq, flags, payload


def streams(path):
    """Reassembles each TCP direction that started inside the capture.

    Yields the stream's bytes and, per segment, (stream offset, capture time).
    """
    isn, segments, order = {}, {}, []
    for flow, time, seq, flags, payload in packets(path):
        if flags & 0x02:  # SYN
            isn[flow] = (seq + 1) & 0xFFFFFFFF
            segments[flow] = {}
            order.append(flow)
        elif payload and flow in isn:
            off = (seq - isn[flow]) & 0xFFFFFFFF
            segments[flow].setdefault(off, (time, payload))
    for flow in order:
        buf, times = bytearray(), []
        for off in sorted(segments[flow]):
            time, seg = segments[flow][off]
            if off > len(buf):
                break  # a hole: keep what is contiguous
            if off + len(seg) > len(buf):
                times.append((len(buf), time))
                buf += seg[len(buf) - off:]
        yield bytes(buf), times


def frames(buf, times):
    """Cuts a stream into (capture time of its first byte, frame)."""
    pos = 0
    while pos + 8 <= len(buf) and buf[pos:pos + 4] == b"RCmb":
        totlen = struct.unpack(">I", buf[pos + 4:pos + 8])[0]
        if totlen < 2256 or pos + totlen > len(buf):
            return
        time = [t for start, t in times if start <= pos][-1]
        yield time, buf[pos:pos + totlen]
        pos += totlen


def main(pcap, out_dir):
    all_frames = []
    for buf, times in streams(pcap):
        all_frames.extend(frames(buf, times))
    all_frames.sort(key=lambda tf: tf[0])
    counts, chosen = {}, {}
    for _, f in all_frames:
        kind = struct.unpack(">H", f[12:14])[0]
        name = TYPES[kind] if kind < len(TYPES) else "type%d" % kind
        counts[name] = counts.get(name, 0) + 1
        if name in ("ping", "pong") and f[2253] & EXT_DATA:
            name += "-hostname"
        if name == "auth-req" and f[2253] & FORCEACK:
            name += "-forceack"  # the manual failover's request
        # Keep the first of each; for PING/PONG the first regular heartbeat,
        # with 3 gossip entries (more when PFAIL nodes are appended).
        gossip = struct.unpack(">H", f[14:16])[0]
        if kind > 1 or gossip == 3:
            chosen.setdefault(name, f)
    for name, f in sorted(chosen.items()):
        Path(out_dir, name + "-1.bin").write_bytes(f)
    print("frames seen:", ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    print("saved:", ", ".join(sorted(chosen)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
