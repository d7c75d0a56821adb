"""A mixed workload through redis-py's RedisCluster, one line of transcript per step.

    python3 clients/workload.py PORT     (any node of a cluster on 127.0.0.1)

scripts/client-workload.sh runs it against clusterlab-node and against redis-server 7.0.15 and
diffs the two transcripts: every line must be the same. Keys and values are fixed; the only
normalised replies are stream IDs (Redis makes them from the clock), shown as id1, id2... in the
order they first appear, so their shape and reuse still count.
"""

import json
import re
import sys
import threading
import time

from redis.cluster import RedisCluster
from redis.exceptions import RedisClusterException, ResponseError

PORT = int(sys.argv[1])
rc = RedisCluster(host="127.0.0.1", port=PORT, decode_responses=True)
stream_ids = {}


def normalise(value):
    """Stream IDs (`<ms>-<seq>`) become id1, id2...; everything else is kept as is."""
    if isinstance(value, str) and re.fullmatch(r"\d+-\d+", value):
        return stream_ids.setdefault(value, f"id{len(stream_ids) + 1}")
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        return {normalise(k): normalise(v) for k, v in value.items()}
    return value


def show(step, value):
    print(f"{step}: {json.dumps(normalise(value))}", flush=True)


def error(exc):
    """How the client surfaces an error: its class and message."""
    return f"{type(exc).__name__}: {exc}"


def owner(key):
    """The redis.Redis client of the master serving `key`'s slot."""
    return rc.get_redis_connection(rc.get_node_from_key(key))


# Leaderboard: a sorted set, highest score first.
show("zadd", rc.zadd("board", {"ada": 10, "bob": 20, "cy": 15}))
show("zincrby", rc.zincrby("board", 7, "ada"))
show("zrange rev", rc.execute_command("ZRANGE", "board", 0, -1, "REV", "WITHSCORES"))
show("zrank", rc.zrank("board", "ada"))

# Queue: a BLPOP on its own client blocks until a later LPUSH on this one serves it.
popper = RedisCluster(host="127.0.0.1", port=PORT, decode_responses=True)
popped = []
waiter = threading.Thread(target=lambda: popped.append(popper.blpop(["queue"], timeout=10)))
waiter.start()
# Push only once the node counts the pop as blocked (INFO's blocked_clients).
deadline = time.time() + 10
while owner("queue").info("clients")["blocked_clients"] < 1 and time.time() < deadline:
    time.sleep(0.02)
show("lpush", rc.lpush("queue", "job-1"))
waiter.join()
show("blpop", popped[0])
show("llen", rc.llen("queue"))
popper.close()

# Stream consumer group: two entries read by one consumer, one acknowledged.
show("xgroup create", rc.xgroup_create("events", "workers", id="$", mkstream=True))
show("xadd", rc.xadd("events", {"kind": "signup", "user": "ada"}))
show("xadd", rc.xadd("events", {"kind": "login", "user": "bob"}))
read = rc.xreadgroup("workers", "w1", {"events": ">"}, count=10)
show("xreadgroup", read)
first_id = read[0][1][0][0]
show("xack", rc.xack("events", "workers", first_id))
show("xpending", rc.execute_command("XPENDING", "events", "workers"))

# Lua lock: SET NX PX takes it, a compare-and-delete script releases it for its owner only.
UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
show("lock", rc.set("lock:report", "token-a", nx=True, px=30000))
show("lock again", rc.set("lock:report", "token-b", nx=True, px=30000))
show("unlock wrong token", rc.eval(UNLOCK, 1, "lock:report", "token-b"))
show("unlock", rc.eval(UNLOCK, 1, "lock:report", "token-a"))
show("lock after unlock", rc.exists("lock:report"))

# Rate limiter: INCR and EXPIRE in one MULTI/EXEC; both keys share the {user:42} hash tag.
for _ in range(3):
    with rc.pipeline(transaction=True) as pipe:
        show("multi incr expire", pipe.incr("{user:42}:hits").expire("{user:42}:hits", 60).execute())
show("ttl set", 0 < rc.ttl("{user:42}:hits") <= 60)

# Keyspace notifications: enabled on every node, subscribed on the key's master.
show("config set", rc.config_set("notify-keyspace-events", "KEA", target_nodes=RedisCluster.ALL_NODES))
sub = owner("profile:ada").pubsub()
sub.subscribe("__keyspace@0__:profile:ada")
show("subscribe", sub.get_message(timeout=10))
rc.set("profile:ada", "v1")
show("event", sub.get_message(timeout=10))
sub.close()

# Cross-slot: redis-py refuses before sending; a node sent the command itself refuses too.
try:
    rc.execute_command("MSET", "a", "1", "b", "2")
except (RedisClusterException, ResponseError) as exc:
    show("mset cross-slot (client)", error(exc))
try:
    owner("a").execute_command("MSET", "a", "1", "b", "2")
except ResponseError as exc:
    show("mset cross-slot (node)", error(exc))
show("mset same slot", rc.execute_command("MSET", "{t}a", "1", "{t}b", "2"))
rc.close()
