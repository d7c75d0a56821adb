// A mixed workload through ioredis's Cluster client, one line of transcript per step.
//
//     node clients/workload.js PORT     (any node of a cluster on 127.0.0.1)
//
// scripts/client-workload.sh runs it against clusterlab-node and against redis-server 7.0.15
// and diffs the two transcripts: every line must be the same. Keys and values are fixed; the
// only normalised replies are stream IDs (Redis makes them from the clock), shown as id1,
// id2... in the order they first appear, so their shape and reuse still count.
"use strict";
const Redis = require("ioredis");

const PORT = Number(process.argv[2]);
const streamIds = new Map();

// Stream IDs (`<ms>-<seq>`) become id1, id2...; everything else is kept as is.
function normalise(value) {
  if (typeof value === "string" && /^\d+-\d+$/.test(value)) {
    if (!streamIds.has(value)) streamIds.set(value, `id${streamIds.size + 1}`);
    return streamIds.get(value);
  }
  if (Array.isArray(value)) return value.map(normalise);
  return value;
}

function show(step, value) {
  console.log(`${step}: ${JSON.stringify(normalise(value))}`);
}

// How the client surfaces an error: its class and message.
function error(err) {
  return `${err.name}: ${err.message}`;
}

async function connect() {
  const cluster = new Redis.Cluster([{ host: "127.0.0.1", port: PORT }]);
  await new Promise((resolve, reject) => {
    cluster.once("ready", resolve);
    cluster.once("error", reject);
  });
  return cluster;
}

// A plain connection to the master serving `key`'s slot (from the client's slot table).
async function owner(cluster, key) {
  const slot = await cluster.cluster("KEYSLOT", key);
  const [host, port] = cluster.slots[slot][0].split(":");
  return new Redis({ host, port: Number(port) });
}

async function main() {
  const rc = await connect();

  // Leaderboard: a sorted set, highest score first.
  show("zadd", await rc.zadd("board", 10, "ada", 20, "bob", 15, "cy"));
  show("zincrby", await rc.zincrby("board", 7, "ada"));
  show("zrange rev", await rc.zrange("board", 0, -1, "REV", "WITHSCORES"));
  show("zrank", await rc.zrank("board", "ada"));

  // Queue: a BLPOP on its own client blocks until a later LPUSH on this one serves it.
  const popper = await connect();
  const popped = popper.blpop("queue", 10);
  // Push only once the node counts the pop as blocked (INFO's blocked_clients).
  const queueNode = await owner(rc, "queue");
  const deadline = Date.now() + 10000;
  while (!/blocked_clients:[1-9]/.test(await queueNode.info("clients")) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  queueNode.disconnect();
  show("lpush", await rc.lpush("queue", "job-1"));
  show("blpop", await popped);
  show("llen", await rc.llen("queue"));
  popper.disconnect();

  // Stream consumer group: two entries read by one consumer, one acknowledged.
  show("xgroup create", await rc.xgroup("CREATE", "events", "workers", "$", "MKSTREAM"));
  show("xadd", await rc.xadd("events", "*", "kind", "signup", "user", "ada"));
  show("xadd", await rc.xadd("events", "*", "kind", "login", "user", "bob"));
  const read = await rc.xreadgroup("GROUP", "workers", "w1", "COUNT", 10, "STREAMS", "events", ">");
  show("xreadgroup", read);
  show("xack", await rc.xack("events", "workers", read[0][1][0][0]));
  show("xpending", await rc.xpending("events", "workers"));

  // Lua lock: SET NX PX takes it, a compare-and-delete script releases it for its owner only.
  const unlock =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
  show("lock", await rc.set("lock:report", "token-a", "PX", 30000, "NX"));
  show("lock again", await rc.set("lock:report", "token-b", "PX", 30000, "NX"));
  show("unlock wrong token", await rc.eval(unlock, 1, "lock:report", "token-b"));
  show("unlock", await rc.eval(unlock, 1, "lock:report", "token-a"));
  show("lock after unlock", await rc.exists("lock:report"));

  // Rate limiter: INCR and EXPIRE in one MULTI/EXEC; both keys share the {user:42} hash tag.
  for (let i = 0; i < 3; i++) {
    show("multi incr expire", await rc.multi().incr("{user:42}:hits").expire("{user:42}:hits", 60).exec());
  }
  const ttl = await rc.ttl("{user:42}:hits");
  show("ttl set", ttl > 0 && ttl <= 60);

  // Keyspace notifications: enabled on every node, subscribed on the key's master.
  const replies = await Promise.all(rc.nodes("all").map((n) => n.config("SET", "notify-keyspace-events", "KEA")));
  show("config set", replies.every((reply) => reply === "OK"));
  const sub = await owner(rc, "profile:ada");
  show("subscribe", await sub.subscribe("__keyspace@0__:profile:ada"));
  const event = new Promise((resolve) => sub.once("message", (channel, message) => resolve([channel, message])));
  await rc.set("profile:ada", "v1");
  show("event", await event);
  sub.disconnect();

  // Cross-slot: what ioredis does with keys of two slots, and a node sent the command itself.
  try {
    show("mset cross-slot (client)", await rc.mset("a", "1", "b", "2"));
  } catch (err) {
    show("mset cross-slot (client)", error(err));
  }
  const node = await owner(rc, "a");
  try {
    show("mset cross-slot (node)", await node.mset("a", "1", "b", "2"));
  } catch (err) {
    show("mset cross-slot (node)", error(err));
  }
  node.disconnect();
  show("mset same slot", await rc.mset("{t}a", "1", "{t}b", "2"));
  rc.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
