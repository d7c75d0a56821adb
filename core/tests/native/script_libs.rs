//! The C libraries Redis 7.0 opens in every script (`cjson`, `cmsgpack`,
//! `struct`, `bit`; script_lua.c `luaLoadLibraries`), against redis-server
//! 7.0.15 byte for byte: results, number formats, and the error texts that
//! a script's `pcall` sees or that end the script.

use crate::common::native;
use native::compare::{assert_no_differences, compare_words, pair, Raw};

/// One EVAL per entry, its words separated by `|`.
const SCRIPTS: &[&str] = &[
    // cjson: encoding (arrays, objects, escapes, numbers as %.14g).
    "EVAL|return cjson.encode({1,2,3,'x',true,false})|0",
    "EVAL|return cjson.encode({a=1})|0",
    "EVAL|return cjson.encode('a/b\"c\\\\d\\n\\t\\1\\127é')|0",
    "EVAL|return cjson.encode({0.1, 1/3, 1e15, 123456789012345, -0, 2^53})|0",
    "EVAL|return cjson.encode({[1]=1,[2]=2,[4]=4})|0",
    "EVAL|return cjson.encode({[1]=1,[20]=2})|0",
    "EVAL|return cjson.encode({})|0",
    "EVAL|return cjson.encode({a=1,b=2,c=3,d={1,2},e='x',[7]='seven',f={g={h=true}}})|0",
    "EVAL|local t = {} for i = 1, 40 do t['k' .. i] = i end return cjson.encode(t)|0",
    "EVAL|local t = cjson.decode('{\"z\":1,\"y\":2,\"x\":3,\"w\":[4]}') return cjson.encode(t)|0",
    "EVAL|return cjson.encode(cjson.null)|0",
    "EVAL|return cjson.encode({{{}}})|0",
    "EVAL|return cjson.encode(function() end)|0",
    "EVAL|return cjson.encode({[true]=1})|0",
    "EVAL|return cjson.encode(0/0)|0",
    "EVAL|return cjson.encode(1/0)|0",
    "EVAL|return cjson.encode()|0",
    "EVAL|return cjson.encode(1, 2)|0",
    "EVAL|return {pcall(cjson.encode, {x=function() end})}|0",
    "EVAL|local t = {} t[1] = t return {pcall(cjson.encode, t)}|0",
    "EVAL|local r = {cjson.encode_invalid_numbers(), cjson.encode_invalid_numbers('null'), cjson.encode(0/0)} cjson.encode_invalid_numbers(false) return r|0",
    "EVAL|cjson.encode_invalid_numbers(true) local r = cjson.encode({1/0, -1/0, 0/0}) cjson.encode_invalid_numbers(false) return r|0",
    "EVAL|return {pcall(cjson.encode_invalid_numbers, 'maybe')}|0",
    "EVAL|local r = {cjson.encode_number_precision(3), cjson.encode(math.pi)} cjson.encode_number_precision(14) return r|0",
    "EVAL|return {pcall(cjson.encode_number_precision, 15)}|0",
    "EVAL|cjson.encode_max_depth(1) local r = {pcall(cjson.encode, {{1}})} cjson.encode_max_depth(1000) return r|0",
    "EVAL|local r = {cjson.encode_sparse_array(true, 1, 1), cjson.encode({[3]=1})} cjson.encode_sparse_array(false, 2, 10) return r|0",
    "EVAL|local r = {cjson.encode_keep_buffer(false), pcall(cjson.encode_keep_buffer, 1, 2)} cjson.encode_keep_buffer(true) return r|0",
    // cjson: decoding, and its errors' positions.
    "EVAL|local t = cjson.decode('{\"a\":[1,2,{\"b\":null}],\"c\":\"x\\\\u00e9\\\\ud83d\\\\ude00\"}') return {t.a[1], t.a[3].b == cjson.null, t.c}|0",
    "EVAL|return cjson.decode('[1.5e3, -0.25, 1e400, 0x10, 007, \"\\\\/\"]')|0",
    "EVAL|return tostring(cjson.decode('-1e400'))|0",
    "EVAL|return {pcall(cjson.decode, '{\"a\" 1}')}|0",
    "EVAL|return {pcall(cjson.decode, '[1,2')}|0",
    "EVAL|return {pcall(cjson.decode, '[1 2]')}|0",
    "EVAL|return {pcall(cjson.decode, '{1:2}')}|0",
    "EVAL|return {pcall(cjson.decode, 'nul')}|0",
    "EVAL|return {pcall(cjson.decode, '\"abc')}|0",
    "EVAL|return {pcall(cjson.decode, '\"\\\\q\"')}|0",
    "EVAL|return {pcall(cjson.decode, '\"\\\\udc00\"')}|0",
    "EVAL|return {pcall(cjson.decode, '1 2')}|0",
    "EVAL|return {pcall(cjson.decode, '')}|0",
    "EVAL|return {pcall(cjson.decode, '-')}|0",
    "EVAL|return {pcall(cjson.decode, 'a\\0b')}|0",
    "EVAL|return {pcall(cjson.decode)}|0",
    "EVAL|return {pcall(cjson.decode, {})}|0",
    "EVAL|return cjson.decode(42)|0",
    "EVAL|cjson.decode_max_depth(2) local r = {pcall(cjson.decode, '[[[1]]]')} cjson.decode_max_depth(1000) return r|0",
    "EVAL|cjson.decode_invalid_numbers(false) local r = {pcall(cjson.decode, '[0x10]')} cjson.decode_invalid_numbers(true) return r|0",
    "EVAL|return cjson.decode('[1,2,3]')[2] + cjson.decode('{\"n\":2}').n|0",
    "EVAL|return cjson.decode('{\"k\":\"v\"}')|0",
    "EVAL|return {cjson._NAME, cjson._VERSION, type(cjson.null), type(cjson.new)}|0",
    "EVAL|return cjson.new().encode({1})|0",
    "EVAL|cjson.encode = 1|0",
    "EVAL|return cjson.decode('[1,')|0",
    "EVAL|return redis.call('set', KEYS[1], cjson.encode({n=1}))|1|{t}json",
    "EVAL|return cjson.decode(redis.call('get', KEYS[1])).n|1|{t}json",
    // cmsgpack.
    "EVAL|return cmsgpack.pack(1, -1, 127, 128, -32, -33, 255, 256, 65535, 65536, -129, -32769)|0",
    "EVAL|return cmsgpack.pack(4294967296, -2147483649, 0.5, 0.1, 1/0, 2^63, -2^63)|0",
    "EVAL|return cmsgpack.pack('', string.rep('a', 31), string.rep('b', 32), string.rep('c', 256))|0",
    "EVAL|return cmsgpack.pack({1,2,3}, {a=1}, {}, true, false, nil)|0",
    "EVAL|return cmsgpack.pack({[1]=1,[3]=3})|0",
    "EVAL|local a = {} a[1] = a return cmsgpack.pack(a)|0",
    "EVAL|return cmsgpack.pack(function() end)|0",
    "EVAL|return {pcall(cmsgpack.pack)}|0",
    "EVAL|local t = cmsgpack.unpack(cmsgpack.pack({1,{2,'x'},{k='v'}})) return {t[1], t[2][2], t[3].k}|0",
    "EVAL|return {cmsgpack.unpack(cmsgpack.pack(1, 'two', 3.5, -7))}|0",
    "EVAL|return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 0)}|0",
    "EVAL|local s = cmsgpack.pack(1, 2, 3) local o, a, b = cmsgpack.unpack_limit(s, 2) return {o, a, b}|0",
    "EVAL|local s = cmsgpack.pack(1, 2) return {cmsgpack.unpack_limit(s, 1, 1)}|0",
    "EVAL|return {pcall(cmsgpack.unpack, '\\205')}|0",
    "EVAL|return {pcall(cmsgpack.unpack, '\\193')}|0",
    "EVAL|return {pcall(cmsgpack.unpack_one, 'x', 5)}|0",
    "EVAL|return {pcall(cmsgpack.unpack_limit, 'x', -1)}|0",
    "EVAL|return tostring(cmsgpack.unpack('\\203\\127\\240\\0\\0\\0\\0\\0\\0'))|0",
    "EVAL|return {cmsgpack._NAME, cmsgpack._VERSION}|0",
    // struct.
    "EVAL|return struct.pack('>I2i4<hBbc3', 258, -2, 1, 255, -1, 'abc')|0",
    "EVAL|return struct.pack('!4bi', 1, 2)|0",
    "EVAL|return struct.pack('>d<f', 1.5, -2.25)|0",
    "EVAL|return struct.pack('sc0', 'zero', 'rest')|0",
    "EVAL|return {struct.unpack('>I2i4', struct.pack('>I2i4', 258, -2))}|0",
    "EVAL|return {struct.unpack('b c0 s', struct.pack('b c0 s', 2, 'hi', 'end'))}|0",
    "EVAL|return {struct.unpack('>d', struct.pack('>d', 0.1))}|0",
    "EVAL|return {struct.unpack('B', 'ab', 2)}|0",
    "EVAL|return {struct.size('!8bd'), struct.size('i3x')}|0",
    "EVAL|return {pcall(struct.size, 's')}|0",
    "EVAL|return {pcall(struct.pack, 'q', 1)}|0",
    "EVAL|return {pcall(struct.pack, 'c5', 'ab')}|0",
    "EVAL|return {pcall(struct.pack, 'i', 'x')}|0",
    "EVAL|return {pcall(struct.pack, 'i40', 1)}|0",
    "EVAL|return {pcall(struct.pack, '!3i', 1)}|0",
    "EVAL|return {pcall(struct.unpack, 'i', 'ab')}|0",
    "EVAL|return {pcall(struct.unpack, 'B', 'a', 0)}|0",
    "EVAL|return {pcall(struct.unpack, 's', 'abc')}|0",
    "EVAL|return struct.unpack('i', 'abc')|0",
    // bit.
    "EVAL|return {bit.tobit(2^32 + 5), bit.tobit(-1), bit.tobit(2^31), bit.tobit(1.5), bit.tobit(2.5)}|0",
    "EVAL|return {bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0)}|0",
    "EVAL|return {bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(1, 33), bit.ror(1, 1)}|0",
    "EVAL|return {bit.bswap(0x12345678), bit.tohex(255), bit.tohex(-1, -4), bit.tohex(0x1234, 2), bit.tohex(1, 12)}|0",
    "EVAL|return {bit.band('12', 10)}|0",
    "EVAL|return {pcall(bit.band, 1, 'x')}|0",
    "EVAL|return {pcall(bit.tobit)}|0",
    "EVAL|return bit.bor(1, nil)|0",
    "EVAL|bit.band = nil|0",
    "EVAL|return type(bit)..type(struct)..type(cmsgpack)..type(cjson)|0",
    // math.random is Redis's redisLrand48, one sequence per process that
    // goes on from script to script until math.randomseed.
    "EVAL|return {math.random(100), math.random(1, 6), math.random(-5, 5)}|0",
    "EVAL|return tostring(math.random())|0",
    "EVAL|math.randomseed(42) return {math.random(1000000), math.random(1000000)}|0",
    "EVAL|return {pcall(math.random, 0)}|0",
    "EVAL|return {pcall(math.random, 5, 1)}|0",
    "EVAL|return {pcall(math.random, 1, 2, 3)}|0",
    "EVAL|return math.random(-2147483648, 2147483647)|0",
    "EVAL|math.randomseed(-7) return tostring(math.random())|0",
    "EVAL|return {pcall(math.randomseed)}|0",
    "FUNCTION|LOAD|REPLACE|#!lua name=rnd\nredis.register_function('r', function() return math.random(1000) end)",
    "FCALL|r|0",
    "EVAL|return math.random(1000)|0",
    "FCALL|r|0",
    "FUNCTION|DELETE|rnd",
    "FUNCTION|LOAD|#!lua name=bad\nmath.random()",
    // A library's top level sees `redis` alone, with only its library API.
    "FUNCTION|LOAD|#!lua name=bad\nlocal f = string.format",
    "FUNCTION|LOAD|#!lua name=bad\nreturn cjson.encode({})",
    "FUNCTION|LOAD|#!lua name=bad\nredis.setresp(3)",
    "FUNCTION|LOAD|#!lua name=bad\nredis.call('ping')",
    "FUNCTION|LOAD|#!lua name=bad\nx = 1",
    "FUNCTION|LOAD|REPLACE|#!lua name=ok\nredis.log(redis.LOG_NOTICE, redis.REDIS_VERSION)\nredis.register_function('v', function() return string.format('%d', redis.REDIS_VERSION_NUM) end)",
    "FCALL|v|0",
    "FUNCTION|DELETE|ok",
    // cjson's settings belong to the Lua state: they outlive the script
    // that set them, until SCRIPT FLUSH makes a new state; a `cjson.new()`
    // table has its own.
    "EVAL|return {cjson.encode_number_precision(2), cjson.new().encode(1/3)}|0",
    "EVAL|return cjson.encode(1/3)|0",
    "EVAL|return {pcall(cjson.encode_sparse_array, true, 5, -1)}|0",
    "EVAL|return {cjson.encode_sparse_array()}|0",
    "SCRIPT|FLUSH",
    "EVAL|return {cjson.encode(1/3), cjson.encode_sparse_array()}|0",
    // Functions have the same libraries, in a Lua state of their own.
    "FUNCTION|LOAD|REPLACE|#!lua name=libs\nredis.register_function('j', function(k, a) return cjson.encode({k[1], a[1], bit.tohex(255), struct.size('i')}) end)",
    "FCALL|j|1|{t}k|arg",
    "EVAL|return cjson.encode_number_precision(5)|0",
    "FCALL|j|1|{t}k|0.123456789",
    "FUNCTION|LOAD|REPLACE|#!lua name=libs\nredis.register_function('j', function() return cjson.encode(0.123456789) end)",
    "FCALL|j|0",
    "EVAL|return cjson.encode_number_precision(14)|0",
    "FUNCTION|DELETE|libs",
];

/// Every entry of [`SCRIPTS`], in RESP2 then RESP3, same bytes from both.
#[test]
fn redis_lua_libraries_reply_as_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    let mut diffs = Vec::new();
    for (tag, resp3) in [("{r2}", false), ("{r3}", true)] {
        let (mut o, mut r) = (
            Raw::connect(ours.port, resp3),
            Raw::connect(real.port, resp3),
        );
        compare_words(&mut o, &mut r, tag, SCRIPTS, &mut diffs);
    }
    assert_no_differences(&diffs);
}
