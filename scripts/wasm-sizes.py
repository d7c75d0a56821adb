#!/usr/bin/env python3
"""What a wasm module is made of: code bytes per crate and per clusterlab-core module family,
and the data segments, raw and gzip -9 (each family's function bodies compressed together).

Usage: scripts/wasm-sizes.py MODULE.wasm [--top N]

The module must keep its `name` section (function names): build the app with cargo, run
wasm-bindgen with --keep-debug and wasm-opt with -g (scripts/bench-app.sh --breakdown does all
three). Names are Rust's legacy mangling; a function is counted under the first clusterlab,
crate or std path in its name (for `<T as Trait>::f`, under T's crate).
"""

import gzip
import re
import sys
from collections import defaultdict


def leb(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def sections(buf):
    assert buf[:4] == b"\0asm", "not a wasm module"
    pos = 8
    while pos < len(buf):
        sid = buf[pos]
        size, start = leb(buf, pos + 1)
        yield sid, start, start + size
        pos = start + size


def imported_functions(buf, start):
    count, pos = leb(buf, start)
    funcs = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            n, pos = leb(buf, pos)
            pos += n
        kind = buf[pos]
        pos += 1
        if kind == 0:
            _, pos = leb(buf, pos)
            funcs += 1
        elif kind == 1:  # table: reftype, limits
            pos += 1
            flags, pos = leb(buf, pos)
            _, pos = leb(buf, pos)
            if flags & 1:
                _, pos = leb(buf, pos)
        elif kind == 2:  # memory: limits
            flags, pos = leb(buf, pos)
            _, pos = leb(buf, pos)
            if flags & 1:
                _, pos = leb(buf, pos)
        elif kind == 3:  # global: type, mutability
            pos += 2
        else:  # tag
            pos += 1
            _, pos = leb(buf, pos)
    return funcs


def function_names(buf, start, end):
    n, pos = leb(buf, start)
    pos += n
    if buf[start + 1 : pos] != b"name":
        return None
    names = {}
    while pos < end:
        sub = buf[pos]
        size, pos = leb(buf, pos + 1)
        if sub == 1:
            count, p = leb(buf, pos)
            for _ in range(count):
                idx, p = leb(buf, p)
                n, p = leb(buf, p)
                names[idx] = buf[p : p + n].decode("utf-8", "replace")
                p += n
        pos += size
    return names


def path_of(name):
    """The `::` path of a legacy-mangled Rust name (`_ZN4core3fmt5write17h…E` → core::fmt::write)."""
    if not name.startswith("_ZN"):
        return name
    pos, parts = 3, []
    while pos < len(name) and name[pos].isdigit():
        m = re.match(r"\d+", name[pos:])
        n = int(m.group())
        pos += len(m.group())
        parts.append(name[pos : pos + n])
        pos += n
    text = "::".join(p for p in parts if not re.fullmatch(r"h[0-9a-f]{16}", p))
    for code, char in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"), ("..", "::"),
                       ("$C$", ","), ("$u7b$", "{"), ("$u7d$", "}"), ("$BP$", "*"), ("$u27$", "'")):
        text = text.replace(code, char)
    return text


CORE_FAMILIES = [
    ("core: command families", r"^command::(?!docs|table|routing|mod)"),
    ("core: command docs/table/routing", r"^command::"),
    ("core: node (cluster state machine)", r"^node::"),
    ("core: simulator", r"^sim::"),
    ("core: experiments", r"^experiment::"),
    ("core: lessons", r"^lesson::"),
    ("core: keyspace", r"^keyspace::"),
    ("core: acl", r"^acl::"),
    ("core: resp/msg/rdb/hll/trace", r"^(resp|msg|rdb|hll|trace_file|dump|repl_wire|aof)::"),
    ("core: client model", r"^client::"),
]


def family(path):
    path = re.sub(r"\[[0-9a-f]+\]", "", path)  # v0 names: core[c5930c85a12de822]::fmt
    m = re.search(r"\b(clusterlab_core|clusterlab_app|[a-z_][a-z0-9_]*)::", path)
    if not m:
        return "unnamed / wasm-bindgen glue"
    crate = m.group(1)
    if crate == "clusterlab_core":
        rest = path[m.end():]
        for label, pattern in CORE_FAMILIES:
            if re.match(pattern, rest):
                return label
        return "core: other (" + rest.split("::")[0] + ")"
    if crate == "clusterlab_app":
        rest = path[m.end():]
        return "app: " + rest.split("::")[0]
    if crate in ("core", "alloc", "std"):
        return std_family(path)
    if crate == "yew":
        # Each function component's body is inlined into Yew's generic `view`.
        return "yew (with the app's component views inlined)"
    if crate == "hashbrown":
        return "std: collections (btree, hash maps), generic"
    return crate


def std_family(path):
    """The standard library's share, by what it does. Its generic code (Vec, BTreeMap, sort,
    iterators, drop glue) is instantiated for the types of every crate; names do not say which."""
    if re.search(r"\bcore::(fmt|num::(flt2dec|dec2flt|bignum|fmt))", path):
        return "std: fmt and float formatting/parsing"
    if re.search(r"\balloc::collections|hashbrown", path):
        return "std: collections (btree, hash maps), generic"
    if "::sort::" in path:
        return "std: sort, generic"
    if re.search(r"\bcore::(net|str|unicode|char)::", path):
        return "std: str, char, net parsing"
    return "std: other generic code (Vec, iterators, drop glue, Rc)"


def main():
    path = sys.argv[1]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 40
    buf = open(path, "rb").read()
    imports, bodies, names, data = 0, [], None, []
    custom = 0
    for sid, start, end in sections(buf):
        if sid == 2:
            imports = imported_functions(buf, start)
        elif sid == 10:
            count, pos = leb(buf, start)
            for _ in range(count):
                size, body = leb(buf, pos)
                bodies.append(buf[body : body + size])
                pos = body + size
        elif sid == 11:
            count, pos = leb(buf, start)
            for _ in range(count):
                flags, pos = leb(buf, pos)
                if flags == 0:
                    while buf[pos] != 0x0B:  # the offset expression
                        pos += 1
                    pos += 1
                elif flags == 2:
                    _, pos = leb(buf, pos)
                    while buf[pos] != 0x0B:
                        pos += 1
                    pos += 1
                size, pos = leb(buf, pos)
                data.append(buf[pos : pos + size])
                pos += size
        elif sid == 0:
            names = function_names(buf, start, end) or names
            custom += end - start
    names = names or {}
    groups = defaultdict(list)
    for i, body in enumerate(bodies):
        groups[family(path_of(names.get(imports + i, "")))].append(body)
    blob = b"".join(data)
    groups_sized = [(k, sum(map(len, v)), len(gzip.compress(b"".join(v), 9))) for k, v in groups.items()]
    groups_sized.append(("DATA segments (strings, tables, embedded texts)", len(blob),
                         len(gzip.compress(blob, 9))))
    total = len(buf) - custom
    print(f"{path}: {len(buf)} bytes ({custom} in custom sections), gzip -9 of the whole "
          f"module {len(gzip.compress(buf, 9))}")
    print(f"{'part':52} {'raw KB':>8} {'gz KB':>7} {'%raw':>6}")
    for k, raw, gz in sorted(groups_sized, key=lambda g: -g[1])[:top]:
        print(f"{k:52} {raw / 1024:8.1f} {gz / 1024:7.1f} {100 * raw / total:6.1f}")


if __name__ == "__main__":
    main()
