#!/usr/bin/env python3
"""Runs the golden scenarios against a real Redis cluster and writes the
transcript that `core/tests/commands/golden.rs` compares our replies with.

Called by record.sh once the cluster is up. Replies are read as raw bytes
from plain sockets so RESP framing (`$-1` vs `*-1`, `%` vs `*`, verbatim
strings) is recorded exactly. Standard library only.
"""

import argparse
import re
import socket
import sys
import time


def split_args(line):
    """sdssplitargs, like redis-cli: spaces separate, "..." knows escapes."""
    args, i, n = [], 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return args
        cur, in_dq, in_sq = bytearray(), False, False
        while True:
            if in_dq:
                if i >= n:
                    raise ValueError("unbalanced quotes: " + line)
                c = line[i]
                if c == "\\" and i + 3 < n and line[i + 1] == "x" and \
                        re.match(r"[0-9a-fA-F]{2}", line[i + 2:i + 4]):
                    cur.append(int(line[i + 2:i + 4], 16))
                    i += 3
                elif c == "\\" and i + 1 < n:
                    i += 1
                    cur += {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b",
                            "a": b"\a"}.get(line[i], line[i].encode())
                elif c == '"':
                    in_dq = False
                    i += 1
                    break
                else:
                    cur += c.encode()
            elif in_sq:
                if i >= n:
                    raise ValueError("unbalanced quotes: " + line)
                c = line[i]
                if c == "\\" and i + 1 < n and line[i + 1] == "'":
                    i += 1
                    cur += b"'"
                elif c == "'":
                    i += 1
                    break
                else:
                    cur += c.encode()
            else:
                if i >= n or line[i].isspace():
                    break
                if line[i] == '"':
                    in_dq = True
                elif line[i] == "'":
                    in_sq = True
                else:
                    cur += line[i].encode()
            i += 1
        args.append(bytes(cur))


def reply_end(buf, pos=0):
    """Offset just past the reply starting at `pos`, or None if incomplete."""
    cr = buf.find(b"\r\n", pos)
    if cr < 0:
        return None
    kind, line, nxt = buf[pos:pos + 1], buf[pos + 1:cr], cr + 2
    if kind in b"+-:_#,(":
        return nxt
    if kind in b"$=!":
        length = int(line)
        if length < 0:
            return nxt
        end = nxt + length + 2
        return end if len(buf) >= end else None
    if kind in b"*~>%|":
        count = int(line)
        if kind in b"%|":
            count *= 2
        at = nxt
        for _ in range(max(count, 0)):
            at = reply_end(buf, at)
            if at is None:
                return None
        if kind == b"|":  # an attribute precedes the real reply
            return reply_end(buf, at)
        return at
    raise ValueError("unknown reply type %r" % buf[pos:pos + 20])


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def call(self, args):
        req = b"*%d\r\n" % len(args)
        for a in args:
            req += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(req)
        while True:
            end = reply_end(self.buf) if self.buf else None
            if end is not None:
                raw, self.buf = self.buf[:end], self.buf[end:]
                return raw
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buf += chunk

    def close(self):
        self.sock.close()


def text(raw):
    """The payload of a simple/bulk/verbatim reply, as a str."""
    if raw[:1] in b"$=":
        body = raw[raw.index(b"\r\n") + 2:-2]
        return (body[4:] if raw[:1] == b"=" else body).decode()
    return raw[1:-2].decode()


def call(port, *args):
    c = Conn(port)
    try:
        return c.call([a.encode() if isinstance(a, str) else a for a in args])
    finally:
        c.close()


def escape(segment):
    out = []
    for b in segment:
        if b == 0x5C:
            out.append("\\\\")
        elif b == 0x0A:
            out.append("\\n")
        elif b == 0x0D:
            out.append("\\r")
        elif b == 0x09:
            out.append("\\t")
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


def reply_lines(raw):
    """One `< ` line per CRLF-terminated piece of the raw reply."""
    assert raw.endswith(b"\r\n")
    return ["< " + escape(seg) for seg in raw[:-2].split(b"\r\n")]


def parse_scenarios(path):
    scenarios, cur = [], None
    for lineno, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("=== "):
            cur = {"name": line[4:].strip(), "steps": [], "cleanup": []}
            scenarios.append(cur)
        elif cur is None:
            sys.exit("%s:%d: step before the first === scenario" % (path, lineno))
        elif line.startswith("@cleanup "):
            cur["cleanup"].append(line[len("@cleanup "):])
        else:
            cur["steps"].append(line)
    return scenarios


STEP = re.compile(r"^([A-Z]1?)(?:#(\d+))?> (.*)$")


class Cluster:
    def __init__(self, ports):
        self.ports = ports
        self.nodes = {}  # letter -> (port, id)

    def identify(self):
        """Names nodes like the simulator: masters A, B, C by first slot,
        each replica after its master (A1 replicates A)."""
        ids = {p: text(call(p, "CLUSTER", "MYID")) for p in self.ports}
        by_id = {i: p for p, i in ids.items()}
        deadline = time.time() + 60
        while True:
            nodes = text(call(self.ports[0], "CLUSTER", "NODES"))
            roles = [line.split()[2] for line in nodes.splitlines()]
            if sum("slave" in r for r in roles) == 3:
                break
            if time.time() > deadline:
                sys.exit("replicas did not show up in CLUSTER NODES:\n" + nodes)
            time.sleep(0.2)
        masters, replica_of = [], {}
        for line in nodes.splitlines():
            f = line.split()
            if "master" in f[2]:
                first = int(f[8].split("-")[0])
                masters.append((first, f[0]))
            else:
                replica_of[f[3]] = f[0]
        for letter, (_, mid) in zip("ABC", sorted(masters)):
            self.nodes[letter] = (by_id[mid], mid)
            rid = replica_of[mid]
            self.nodes[letter + "1"] = (by_id[rid], rid)

    def expand(self, template):
        def sub(m):
            port, nid = self.nodes[m.group(1)]
            return {"id": nid, "port": str(port), "ip": "127.0.0.1",
                    "cport": str(port + 10000)}[m.group(2)]
        return re.sub(r"\$([A-Z]1?)\.(id|port|ip|cport)", sub, template)

    def settled(self):
        """Every node ok, no open slots, and every replica listed in CLUSTER
        SLOTS (Redis omits replicas whose known offset is still 0)."""
        for port in self.ports:
            if b"cluster_state:ok" not in call(port, "CLUSTER", "INFO"):
                return False
            if b"->-" in call(port, "CLUSTER", "NODES") or \
                    b"-<-" in call(port, "CLUSTER", "NODES"):
                return False
            if call(port, "CLUSTER", "SLOTS").count(b"127.0.0.1") != 6:
                return False
        return True

    def settle(self):
        for letter in "ABC":
            port = self.nodes[letter][0]
            call(port, "FLUSHALL")
        deadline = time.time() + 60
        while not self.settled():
            if time.time() > deadline:
                sys.exit("the cluster did not settle within 60 s")
            time.sleep(0.2)


def run(cluster, scenarios, out):
    version = text(call(cluster.ports[0], "INFO", "server"))
    version = re.search(r"redis_version:(\S+)", version).group(1)
    out.append("# Golden transcript: real Redis %s cluster replies to" % version)
    out.append("# core/tests/commands/golden/scenarios.txt, written by record.sh. Do not edit;")
    out.append("# re-record. `< ` lines are the raw reply split at CRLF.")
    for letter in ["A", "B", "C", "A1", "B1", "C1"]:
        port, nid = cluster.nodes[letter]
        out.append("@node %s 127.0.0.1 %d %d %s" % (letter, port, port + 10000, nid))
    for sc in scenarios:
        cluster.settle()
        out.append("")
        out.append("=== " + sc["name"])
        conns = {}
        for step in sc["steps"]:
            if step.startswith("@sleep "):
                time.sleep(int(step.split()[1]) / 1000)
                out.append(step)
                continue
            m = STEP.match(step)
            if not m:
                sys.exit("bad step in %s: %r" % (sc["name"], step))
            letter, client, command = m.group(1), int(m.group(2) or 1), m.group(3)
            key = (letter, client)
            if key not in conns:
                conns[key] = Conn(cluster.nodes[letter][0])
            raw = conns[key].call(split_args(cluster.expand(command)))
            out.append(step)
            out.extend(reply_lines(raw))
        for conn in conns.values():
            conn.close()
        for step in sc["cleanup"]:
            m = STEP.match(step)
            call(cluster.nodes[m.group(1)][0], *split_args(cluster.expand(m.group(3))))
    cluster.settle()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ports", required=True, help="comma-separated client ports")
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    cluster = Cluster([int(p) for p in a.ports.split(",")])
    cluster.identify()
    out = []
    run(cluster, parse_scenarios(a.scenarios), out)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s (%d scenarios)" % (a.out, len(parse_scenarios(a.scenarios))))


if __name__ == "__main__":
    main()
