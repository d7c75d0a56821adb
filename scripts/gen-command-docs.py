#!/usr/bin/env python3
"""Generates core/src/command/docs/redis-7.0.15.txt from Redis 7.0.15's
command JSON files (src/commands/*.json), the data COMMAND DOCS and
COMMAND INFO print.

    python3 scripts/gen-command-docs.py [REDIS_SRC] [OUT]

REDIS_SRC defaults to /work/ref/redis-7.0.15 (an unpacked redis-7.0.15
tarball), OUT to core/src/command/docs/redis-7.0.15.txt.

The fields are what Redis's own generator (utils/generate-command-code.py)
puts in commands.c, as server.c prints them: empty JSON strings are absent
(`get_optional_desc_string`), tokens upper-cased, argument names and tips
lower-cased, the group spelled as COMMAND_GROUP_STR spells it. For a
subcommand the COMMAND INFO head (arity, flags, key range, ACL categories)
is derived here as server.c derives it at start (`setImplicitACLCategories`,
`populateCommandLegacyRangeSpec`), and for a container too (Redis gives it
no flags; the node's table gives a container the flags its subcommands are
dispatched with); another command's head comes from the node's own table.
A string is what C reads from the literal commands.c writes around it:
MIGRATE's token, two double quotes, becomes a C literal of four: an empty
token (kept as the two quotes here, which the reader knows; an absent
token is an empty field).

Format: one line per record, fields separated by tabs, an empty field is an
absent one. Records follow the `C` line of their command:
  C fullname summary since group complexity doc_flags deprecated_since replaced_by
  I arity flags first last step acl            (containers and subcommands)
  H since changes                              (history, in order)
  T tip                                        (command tips)
  K notes flags bs_type bs_a bs_b fk_type fk_a fk_b fk_c   (key specs)
  A depth name type key_spec_index token summary since flags deprecated_since
Flags, doc flags, key spec flags and ACL categories are space-separated
words, as Redis prints them.
"""
import glob
import json
import os
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/work/ref/redis-7.0.15"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    HERE, "..", "core", "src", "command", "docs", "redis-7.0.15.txt")

# addReplyFlagsForCommand's order (module, may_replicate, sentinel,
# only_sentinel, protected and touches_arbitrary_keys are not printed).
FLAG_WORDS = [
    ("WRITE", "write"), ("READONLY", "readonly"), ("DENYOOM", "denyoom"),
    ("ADMIN", "admin"), ("PUBSUB", "pubsub"), ("NOSCRIPT", "noscript"),
    ("BLOCKING", "blocking"), ("LOADING", "loading"), ("STALE", "stale"),
    ("SKIP_MONITOR", "skip_monitor"), ("SKIP_SLOWLOG", "skip_slowlog"),
    ("ASKING", "asking"), ("FAST", "fast"), ("NO_AUTH", "no_auth"),
    ("NO_MANDATORY_KEYS", "no_mandatory_keys"),
    ("NO_ASYNC_LOADING", "no_async_loading"), ("NO_MULTI", "no_multi"),
    ("MOVABLE_KEYS", "movablekeys"), ("ALLOW_BUSY", "allow_busy"),
]
# acl.c ACLCommandCategories, in its order.
ACL_ORDER = ["keyspace", "read", "write", "set", "sortedset", "list", "hash",
             "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub",
             "admin", "fast", "slow", "blocking", "dangerous", "connection",
             "transaction", "scripting"]
# addReplyFlagsForKeyArgs's order.
KEY_FLAGS = ["RO", "RW", "OW", "RM", "ACCESS", "UPDATE", "INSERT", "DELETE",
             "NOT_KEY", "INCOMPLETE", "VARIABLE_FLAGS"]


def opt(desc, field, upper=False):
    """get_optional_desc_string: an empty or missing string is absent."""
    v = desc.get(field) or ""
    return v.upper() if upper else v


def check(text):
    assert "\t" not in text and "\n" not in text, repr(text)
    return text


def line(*fields):
    return "\t".join(check(str(f)) for f in fields).rstrip("\t")


def info_head(desc):
    """Arity, flags, legacy key range and ACL categories of a subcommand."""
    flags = set(desc.get("command_flags", []))
    specs = desc.get("key_specs", [])
    first = last = step = 0
    plain = [s for s in specs if "index" in s["begin_search"] and "range" in s["find_keys"]]
    if len(specs) == 1 and plain:
        s = specs[0]
        first = s["begin_search"]["index"]["pos"]
        last = s["find_keys"]["range"]["lastkey"]
        step = s["find_keys"]["range"]["step"]
        if last >= 0:
            last += first
        if "INCOMPLETE" in s["flags"]:
            flags.add("MOVABLE_KEYS")
    elif specs:
        # populateCommandLegacyRangeSpec's walk.
        fk, lk, prev = None, 0, 0
        for s in specs:
            if s not in plain:
                flags.add("MOVABLE_KEYS")
                continue
            pos = s["begin_search"]["index"]["pos"]
            rng = s["find_keys"]["range"]
            if rng["step"] != 1 or (prev and prev != pos - 1):
                flags.add("MOVABLE_KEYS")
                continue
            if "INCOMPLETE" in s["flags"]:
                flags.add("MOVABLE_KEYS")
            fk = pos if fk is None else min(fk, pos)
            abs_last = rng["lastkey"] + pos if rng["lastkey"] >= 0 else rng["lastkey"]
            lk = max(lk, abs_last, key=lambda v: v & 0xFFFFFFFF)
            prev = lk
        if fk is None:
            flags.add("MOVABLE_KEYS")
        else:
            first, last, step = fk, lk, 1
    words = " ".join(w for f, w in FLAG_WORDS if f in flags)
    # setImplicitACLCategories.
    cats = {c.lower() for c in desc.get("acl_categories", [])}
    if "WRITE" in flags:
        cats.add("write")
    if "READONLY" in flags and "scripting" not in cats:
        cats.add("read")
    if "ADMIN" in flags:
        cats |= {"admin", "dangerous"}
    if "PUBSUB" in flags:
        cats.add("pubsub")
    if "FAST" in flags:
        cats.add("fast")
    if "BLOCKING" in flags:
        cats.add("blocking")
    if "fast" not in cats:
        cats.add("slow")
    acl = " ".join("@" + c for c in ACL_ORDER if c in cats)
    return line("I", desc["arity"], words, first, last, step, acl)


def key_spec(s):
    flags = " ".join(f if f in ("RO", "RW", "OW", "RM") else f.lower()
                     for f in KEY_FLAGS if f in s.get("flags", []))
    bs, fk = s["begin_search"], s["find_keys"]
    if bs.get("index"):
        b = ["index", bs["index"]["pos"], ""]
    elif bs.get("keyword"):
        b = ["keyword", bs["keyword"]["keyword"], bs["keyword"]["startfrom"]]
    else:
        assert "unknown" in bs
        b = ["unknown", "", ""]
    if fk.get("range"):
        r = fk["range"]
        f = ["range", r["lastkey"], r["step"], r["limit"]]
    elif fk.get("keynum"):
        k = fk["keynum"]
        f = ["keynum", k["keynumidx"], k["firstkey"], k["step"]]
    else:
        assert "unknown" in fk
        f = ["unknown", "", "", ""]
    return line("K", opt(s, "notes"), flags, *b, *f)


def arguments(args, depth, out):
    for a in args:
        flags = " ".join(w for w in ("optional", "multiple", "multiple_token") if a.get(w))
        out.append(line("A", depth, a["name"].lower(), a["type"], a.get("key_spec_index", ""),
                        opt(a, "token", upper=True), opt(a, "summary"), opt(a, "since"), flags,
                        opt(a, "deprecated_since")))
        if a["type"] in ("oneof", "block"):
            arguments(a["arguments"], depth + 1, out)


def main():
    commands = {}
    for path in sorted(glob.glob(os.path.join(SRC, "src", "commands", "*.json"))):
        with open(path) as f:
            for name, desc in json.load(f).items():
                commands[(desc.get("container", "").lower(), name.lower())] = desc
    groups = {n: d["group"] for (c, n), d in commands.items() if not c}
    out = [
        "# Generated by scripts/gen-command-docs.py from Redis 7.0.15's command JSON",
        "# files (src/commands/*.json), Copyright (c) Salvatore Sanfilippo and Redis",
        "# contributors, BSD-3-Clause. Do not edit: regenerate with",
        "#   python3 scripts/gen-command-docs.py /path/to/redis-7.0.15",
        "# (format: the script's docstring).",
    ]
    for (container, name) in sorted(commands, key=lambda k: (k[0] or k[1], k[0] != "", k[1])):
        desc = commands[(container, name)]
        full = f"{container}|{name}" if container else name
        group = groups[container or name].replace("_", "-")
        out.append(line("C", full, opt(desc, "summary"), opt(desc, "since"), group,
                        opt(desc, "complexity"), " ".join(f.lower() for f in ("DEPRECATED", "SYSCMD")
                                 if f in desc.get("doc_flags", [])),
                        opt(desc, "deprecated_since"), opt(desc, "replaced_by")))
        if container or any(c == name for (c, _) in commands):
            out.append(info_head(desc))
        for since, changes in desc.get("history") or []:
            out.append(line("H", since, changes))
        for tip in desc.get("command_tips") or []:
            out.append(line("T", tip.lower()))
        for s in desc.get("key_specs") or []:
            out.append(key_spec(s))
        arguments(desc.get("arguments") or [], 0, out)
    with open(OUT, "w") as f:
        f.write("\n".join(out) + "\n")


main()
