//! Scripting against redis-server 7.0.15, byte for byte: the same EVAL,
//! SCRIPT, FUNCTION and FCALL commands go to a real node and to a
//! clusterlab-node (each owning every slot), in RESP2 and after `HELLO 3`,
//! and every reply must be the same bytes — Lua ↔ RESP conversions, error
//! texts with their `script: <sha>, on @user_script:N.` tails, shebang and
//! cluster refusals included.

use crate::common::native;
use native::compare::assert_same_replies;

/// One command per entry, its words separated by `|` (scripts hold spaces).
const SCRIPTS: &[&str] = &[
    // Lua → RESP: numbers truncated, false → nil, arrays cut at nil.
    "EVAL|return 3.99|0",
    "EVAL|return -3.99|0",
    "EVAL|return {1,2,3.5,'x',false,nil,5}|0",
    "EVAL|return {ok='fine'}|0",
    "EVAL|return {err='My Error'}|0",
    "EVAL|return true|0",
    "EVAL|return false|0",
    "EVAL|return nil|0",
    "EVAL|return {1,{2,{3}},{err='x'}}|0",
    "EVAL|return redis.error_reply('MY err')|0",
    "EVAL|return redis.error_reply('err')|0",
    "EVAL|return redis.status_reply('FINE')|0",
    "EVAL|return {KEYS[1],KEYS[2],ARGV[1],ARGV[2]}|2|{t}a|{t}b|x|y",
    "EVAL|return #ARGV|0|1|2|3",
    "EVAL|return tostring(1e15)..' '..tostring(0.1)..' '..tostring(10/3)|0",
    // RESP → Lua, and back.
    "SET|{t}s|hello",
    "RPUSH|{t}l|a|b|c",
    "HSET|{t}h|f|v",
    "EVAL|return redis.call('get',KEYS[1])|1|{t}s",
    "EVAL|return redis.call('get',KEYS[1])|1|{t}none",
    "EVAL|return redis.call('lrange',KEYS[1],0,-1)|1|{t}l",
    "EVAL|return redis.call('set',KEYS[1],'v')|1|{t}s2",
    "EVAL|return redis.call('incr',KEYS[1])|1|{t}n",
    "EVAL|return redis.call('incrbyfloat',KEYS[1],'1.5')|1|{t}f",
    "EVAL|return type(redis.call('get',KEYS[1]))|1|{t}none",
    "EVAL|return redis.call('hgetall',KEYS[1])|1|{t}h",
    "EVAL|redis.setresp(3) return redis.call('hgetall',KEYS[1])|1|{t}h",
    "EVAL|redis.setresp(3) return type(redis.call('get',KEYS[1]))|1|{t}none",
    "EVAL|return redis.call('incr',KEYS[1])|1|{t}s",
    "EVAL|return redis.pcall('incr',KEYS[1])|1|{t}s",
    "EVAL|return redis.call('set',KEYS[1],1.5)|1|{t}num",
    "EVAL|return redis.call('get',KEYS[1])|1|{t}num",
    "EVAL|return redis.call('set',KEYS[1],{})|1|{t}num",
    // Numbers reach commands as `%.17g`, whole or not.
    "EVAL|return redis.call('set',KEYS[1],2^60)|1|{t}num",
    "EVAL|return redis.call('get',KEYS[1])|1|{t}num",
    "EVAL|return redis.call('set',KEYS[1],-0.1)|1|{t}num",
    "EVAL|return redis.call('get',KEYS[1])|1|{t}num",
    "EVAL|return redis.sha1hex(123456789012345)|0",
    "EVAL|return redis.sha1hex(2^60)|0",
    "EVAL|return {1e400, -1e400, 0/0, 2^63, -2^63, 2^62}|0",
    "EVAL|return redis.call()|0",
    "EVAL|return redis.sha1hex('')|0",
    "EVAL|return redis.sha1hex('abc')|0",
    // Errors, with where they happened.
    "EVAL|return redis.call('nosuch')|0",
    "EVAL|return redis.call('get')|0",
    "EVAL|return redis.pcall('nosuch')|0",
    "EVAL|return redis.call('eval','return 1','0')|0",
    "EVAL|return x|0",
    "EVAL|a=5|0",
    "EVAL|error('boom')|0",
    "EVAL|\n\nerror('line three')|0",
    "EVAL|error({err='MY err'})|0",
    "EVAL|syntax error here|0",
    "EVAL|return os|0",
    "EVAL|return io|0",
    "EVAL|redis.call = nil|0",
    "EVAL|string.x = 1|0",
    // Redis's read-only tables refuse rawset too.
    "EVAL|rawset(_G, 'x', 1) return x|0",
    "EVAL|rawset(redis, 'call', 1) return 1|0",
    "EVAL|return rawset(string, 'x', 1)|0",
    "EVAL|local t = rawset({}, 'a', 1) return t.a|0",
    "EVAL|return {pcall(rawset, cjson, 'x', 1)}|0",
    "EVAL|return {pcall(rawset, bit, 'x', 1)}|0",
    "EVAL|rawset(KEYS, 1, 'x') return KEYS[1]|1|{t}a",
    // So do table.insert and setmetatable, after their argument checks,
    // and an assignment to a global that exists; KEYS stays writable.
    "EVAL|table.insert(_G, 1) return 1|0",
    "EVAL|table.insert(redis, 1) return 1|0",
    "EVAL|table.insert(cjson, 'x')|0",
    "EVAL|table.insert(getmetatable(''), 1)|0",
    "EVAL|table.insert(_G, 0, 'x')|0",
    "EVAL|return {pcall(table.insert, string, 1)}|0",
    "EVAL|table.insert(_G)|0",
    "EVAL|table.insert(_G, 1, 2, 3)|0",
    "EVAL|table.insert(_G, 'x', 1)|0",
    "EVAL|table.insert(nil, 1)|0",
    "EVAL|table.insert(KEYS, 'x') return KEYS|1|{t}k",
    "EVAL|local t = {'a', 'b'} table.insert(t, 1, 'z') table.insert(t, 5, 'y') table.insert(t, nil) return {#t, t[1], t[2], t[3], t[5]}|0",
    "EVAL|return {table.remove(_G), table.remove(string, 1), table.maxn(_G), #_G}|0",
    "EVAL|table.sort(_G) return 1|0",
    // Read-only tables still show what they hold.
    // (Redis's own error handler is a global there, not here: redis-behaviour.md §17.)
    "EVAL|local t = {} for k in pairs(_G) do if k ~= '__redis__err__handler' then t[#t + 1] = k end end table.sort(t) return t|0",
    "EVAL|local t = {} for k in pairs(redis) do t[#t + 1] = k end table.sort(t) return t|0",
    "EVAL|local t = {} for k in pairs(string) do t[#t + 1] = k end table.sort(t) return t|0",
    "EVAL|local n = 0 for k, v in next, math do n = n + 1 end return n|0",
    "EVAL|return {type(rawget(_G, 'string')), type(rawget(string, 'len')), rawget(_G, 'nosuch')}|0",
    "EVAL|return {next({}), select('#', next({}))}|0",
    "EVAL|return {pcall(next, nil)}|0",
    "EVAL|return {pcall(pairs, 1)}|0",
    "EVAL|return {pcall(rawget, _G)}|0",
    "EVAL|return next(nil)|0",
    "EVAL|return {pcall(next, {}, 'nokey')}|0",
    "EVAL|return {select(1, pairs({})) == next, select('#', pairs(_G))}|0",
    "EVAL|string = 1|0",
    "EVAL|_G.string = nil|0",
    "EVAL|_G._G = 1|0",
    "EVAL|KEYS = {}|0",
    "EVAL|setmetatable(_G, nil)|0",
    "EVAL|return setmetatable(string, {})|0",
    "EVAL|setmetatable(getmetatable(''), nil)|0",
    "EVAL|return {pcall(setmetatable, setmetatable({}, {__metatable = 1}), {})}|0",
    "EVAL|return {pcall(setmetatable, {}, 1)}|0",
    "EVAL|return {pcall(setmetatable, 1, {})}|0",
    "EVAL|return setmetatable({}, {__index = {a = 'b'}}).a|0",
    "EVAL|return getmetatable(setmetatable({}, nil)) == nil|0",
    "EVAL|ARGV[1] = 'y' return ARGV[1]|0|z",
    "EVAL|return {pcall(rawset, {}, nil, 1)}|0",
    "EVAL|return {pcall(rawset, 1, 2, 3)}|0",
    "EVAL|return {pcall(rawset, {}, 1)}|0",
    "EVAL|local ok, e = pcall(function() redis.call('nosuch') end) return e|0",
    "EVAL|local ok, e = pcall(function() error('x') end) return e|0",
    "EVAL|return 1|-1",
    "EVAL|return 1|3|a",
    "EVAL|return 1|x",
    "EVAL|redis.setresp(4)|0",
    "EVAL|redis.log(redis.LOG_WARNING, 'hi') return 1|0",
    "EVAL|redis.log(9, 'hi')|0",
    "EVAL|return redis.REPL_ALL + redis.REPL_NONE|0",
    // Shebangs.
    "EVAL|#!lua\nreturn redis.call('set',KEYS[1],'v')|1|{t}a",
    "EVAL|#!lua flags=no-writes\nreturn redis.call('set',KEYS[1],'v')|1|{t}a",
    "EVAL|#!lua flags=no-writes\nreturn redis.call('get',KEYS[1])|1|{t}s",
    "EVAL|#!lua flags=bogus\nreturn 1|0",
    "EVAL|#!lua name=x\nreturn 1|0",
    "EVAL|#!foo\nreturn 1|0",
    "EVAL|#!lua|0",
    "EVAL|#!lua flags=no-cluster\nreturn 1|0",
    "EVAL_RO|return redis.call('set',KEYS[1],'v')|1|{t}a",
    "EVAL_RO|#!lua\nreturn 1|0",
    "EVAL_RO|return redis.call('get',KEYS[1])|1|{t}s",
    // Cluster: compat mode may cross slots; a shebang may not.
    "EVAL|redis.call('set','{t}a','v') return redis.call('set','{u{t}}b','v')|0",
    "EVAL|#!lua\nredis.call('set','{t}a','v') return redis.call('set','{u{t}}b','v')|0",
    "EVAL|#!lua\nreturn redis.call('set','{u{t}}b','v')|1|{t}a",
    "EVAL|#!lua flags=allow-cross-slot-keys\nredis.call('set','{t}a','v') return redis.call('set','{u{t}}b','v')|0",
    "EVAL|return redis.call('mset','{t}a','1','{u{t}}b','2')|0",
    // The script cache.
    "SCRIPT|LOAD|return 'cached'",
    "EVALSHA|0e2b4a8e4ff5bb2a4a4bdf1f4a3a9e0c6e4f2b7e|0",
    "EVALSHA|e0e1f9fabfc9d4800c877a703b823ac0578ff8db|0",
    "SCRIPT|EXISTS|e0e1f9fabfc9d4800c877a703b823ac0578ff8db|ffffffffffffffffffffffffffffffffffffffff",
    "SCRIPT|LOAD|syntax error",
    "SCRIPT|KILL",
    "SCRIPT|FLUSH|BOGUS",
    "SCRIPT|FLUSH",
    "EVALSHA|e0e1f9fabfc9d4800c877a703b823ac0578ff8db|0",
    "SCRIPT|HELP",
    // Functions.
    "FUNCTION|FLUSH",
    "FUNCTION|LOAD|#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return {keys[1], args[1]} end)",
    "FUNCTION|LOAD|#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 1 end)",
    "FUNCTION|LOAD|REPLACE|#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return {keys[1], args[1]} end)",
    "FUNCTION|LOAD|#!lua name=ro\nredis.register_function{function_name='get_ro', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}",
    "FUNCTION|LOAD|#!lua name=other\nredis.register_function('myfunc', function() return 1 end)",
    "FUNCTION|LOAD|return 1",
    "FUNCTION|LOAD|#!lua\nreturn 1",
    "FUNCTION|LOAD|#!lua name=empty\nlocal x = 1",
    "FUNCTION|LOAD|#!lua name=bad\nredis.call('ping')",
    "FUNCTION|LOAD|#!lua name=bad\nsyntax error",
    "FUNCTION|LOAD|#!lua name=bad\nredis.register_function('bad name', function() end)",
    "FUNCTION|LOAD|#!js name=bad\nx",
    "FCALL|myfunc|1|{t}k|arg",
    "FCALL|nosuch|0",
    "FCALL|myfunc|x",
    "FCALL|myfunc|5",
    "FCALL|get_ro|1|{t}s",
    "FCALL_RO|get_ro|1|{t}s",
    "FCALL_RO|myfunc|0",
    // One library per listing: Redis lists them in its dict's order.
    "FUNCTION|LIST|LIBRARYNAME|r*",
    "FUNCTION|LIST|WITHCODE|LIBRARYNAME|my*",
    "FUNCTION|LIST|LIBRARYNAME",
    "FUNCTION|LIST|BOGUS",
    "FUNCTION|STATS",
    "FUNCTION|HELP",
    "FUNCTION|LOAD|#!lua name=dup\nredis.register_function('f1', function() end) redis.register_function('f1', function() end)",
    // A library's globals are read-only too, at its top level and in its
    // functions.
    "FUNCTION|LOAD|#!lua name=ro_top\nredis = nil",
    "FUNCTION|LOAD|#!lua name=ro_fn\nredis.register_function('ro_fn', function() table.insert(_G, 1) end)",
    "FCALL|ro_fn|0",
    "FUNCTION|DELETE|ro_fn",
    // A function's errors say where in the library they happened.
    "FUNCTION|LOAD|#!lua name=fails\nredis.register_function('fails', function(keys)\n  if keys[1] then return redis.call('nosuch') end\n  error('boom')\nend)",
    "FCALL|fails|0",
    "FCALL|fails|1|{t}k",
    "FUNCTION|DELETE|fails",
    "EVAL|return redis.nosuch|0",
    "EVAL|local t = {} for i = 1, 3 do t[i] = i * 1.5 end return t|0",
    "EVAL|return redis.call('ping')|0",
    "EVAL|return redis.pcall('get', KEYS[1], 'x')|1|{t}s",
    "FUNCTION|KILL",
    "FUNCTION|DELETE|nosuch",
    "FUNCTION|DELETE|ro",
    "FUNCTION|FLUSH|BOGUS",
    "FUNCTION|FLUSH|SYNC",
    "FUNCTION|LIST",
];

/// Every script of [`SCRIPTS`], in RESP2 then RESP3, same bytes from both (`{u{t}}` is a
/// key in another slot than `{t}`'s).
#[test]
fn scripts_reply_as_redis_7_0_15() {
    assert_same_replies(&[SCRIPTS], '|');
}

/// Scripts that try to leave state behind, each followed by one that
/// would see it. Redis 7.0 keeps one Lua state per server and makes every
/// table a script reaches read-only (`luaSetTableProtectionRecursively`),
/// resets the script's RESP to 2 (`luaCallFunction`) and sets `KEYS`/`ARGV`
/// per call; clusterlab reuses one interpreter per thread (issue #13), so
/// each probe checks it does the same (`commands/script_state.rs` adds
/// nodes sharing one interpreter).
const STATE_PROBES: &[&str] = &[
    // Writes to a library table and to the string metatable, raw ones
    // refused for their arguments first.
    "EVAL|return {pcall(rawset,_G,'leak')}|0",
    "EVAL|table.insert(string,'x',1) return 1|0",
    "EVAL|pcall(table.insert, _G, 'leak') pcall(table.insert, string, 'leak') return 1|0",
    "EVAL|pcall(function() string = 'leak' end) return 1|0",
    "EVAL|return {tostring(rawget(_G, 1)), tostring(string[1]), #_G, type(string)}|0",
    "EVAL|return {pcall(setmetatable, string)}|0",
    "EVAL|string.leak = 1 return 1|0",
    "EVAL|return string.leak|0",
    "EVAL|getmetatable('').__index.upper = nil return 1|0",
    "EVAL|getmetatable('').leak = 1 return 1|0",
    "EVAL|return {('a'):upper(), getmetatable('').__index == string, tostring(getmetatable('').leak)}|0",
    // No way to swap the environment (7.0.15 has no setfenv/getfenv).
    "EVAL|setfenv(0, {}) return 1|0",
    "EVAL|return getfenv(1)|0",
    // RESP and replication are per run; KEYS and ARGV are this call's.
    "EVAL|redis.setresp(3) return redis.call('get','{t}none')|0",
    "EVAL|return type(redis.call('get','{t}none'))|0",
    "EVAL|redis.set_repl(redis.REPL_NONE) return 1|0",
    "EVAL|return {KEYS[1], ARGV[1], #KEYS, #ARGV}|1|{t}k|a",
    "EVAL|return {#KEYS, #ARGV}|0",
    "EVAL|collectgarbage('stop') return 1|0",
];

/// [`STATE_PROBES`], in RESP2 then RESP3, same bytes from both.
#[test]
fn nothing_a_script_does_outlives_it() {
    assert_same_replies(&[STATE_PROBES], '|');
}
