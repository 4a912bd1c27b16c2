/** Lua scripts of the Redis chat store; each runs atomically, so checks and writes cannot interleave across API nodes. */

/** KEYS room, bans, recent, votes, counts. ARGV settings, pinned, poll, ttl, nBans, (key, until)*, nRecent, json*, nVotes, (voter, option)*. */
export const LOAD = `
if redis.call('HEXISTS', KEYS[1], 'settings') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'settings', ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'pinned', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'poll', ARGV[3]) end
local ttl = tonumber(ARGV[4])
local i = 5
local n = tonumber(ARGV[i]); i = i + 1
redis.call('DEL', KEYS[2])
for _ = 1, n do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]); i = i + 2 end
n = tonumber(ARGV[i]); i = i + 1
redis.call('DEL', KEYS[3])
for _ = 1, n do redis.call('RPUSH', KEYS[3], ARGV[i]); i = i + 1 end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  if redis.call('HSETNX', KEYS[4], ARGV[i], ARGV[i + 1]) == 1 then redis.call('HINCRBY', KEYS[5], ARGV[i + 1], 1) end
  i = i + 2
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return 1`;

/** KEYS room, bans, rate, slow. ARGV author, now, registered (0/1), moderator (0/1), limit, windowMs, member, network keys*. */
export const GATE = `
local settings = redis.call('HGET', KEYS[1], 'settings')
if not settings then return {'unloaded', 0} end
local now = tonumber(ARGV[2])
for i = 1, #ARGV do
  if i == 1 or i >= 8 then
    local ban = redis.call('HGET', KEYS[2], ARGV[i])
    if ban then
      local untilMs = tonumber(ban)
      if untilMs == 0 then return {'banned', 0} end
      if untilMs > now then return {'timeout', untilMs - now} end
      redis.call('HDEL', KEYS[2], ARGV[i])
    end
  end
end
local s = cjson.decode(settings)
if s.registeredOnly == true and ARGV[3] == '0' then return {'registered_only', 0} end
local window = tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  return {'rate_limited', tonumber(oldest[2]) + window - now}
end
local slow = (tonumber(s.slowModeSeconds) or 0) * 1000
if ARGV[4] == '0' and slow > 0 then
  local last = tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '0')
  if last + slow > now then return {'slow_mode', last + slow - now} end
end
redis.call('ZADD', KEYS[3], now, ARGV[7])
redis.call('PEXPIRE', KEYS[3], window)
if slow > 0 and ARGV[4] == '0' then
  redis.call('HSET', KEYS[4], ARGV[1], now)
  redis.call('PEXPIRE', KEYS[4], slow)
end
return {'ok', settings}`;

/** KEYS room. ARGV field, value ('' deletes). Writes only into a loaded room. */
export const ROOM_SET = `
if redis.call('HEXISTS', KEYS[1], 'settings') == 0 then return 0 end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1`;

/** KEYS room, recent. ARGV json, size, ttl. */
export const PUSH = `
if redis.call('HEXISTS', KEYS[1], 'settings') == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;

/**
 * KEYS recent. ARGV prefix-or-infix mode ('id' | 'author'), values... Messages are JSON written with \`id\` first and
 * \`author.key\` first in its object, and quotes inside text are escaped, so a plain substring match is exact.
 */
export const FILTER = `
local items = redis.call('LRANGE', KEYS[1], 0, -1)
local keep = {}
local removed = 0
for _, item in ipairs(items) do
  local hit = false
  for i = 2, #ARGV do
    if ARGV[1] == 'id' then
      local p = '{"id":"' .. ARGV[i] .. '"'
      if string.sub(item, 1, #p) == p then hit = true end
    elseif string.find(item, '"author":{"key":"' .. ARGV[i] .. '"', 1, true) then
      hit = true
    end
  end
  if hit then removed = removed + 1 else keep[#keep + 1] = item end
end
if removed > 0 then
  local ttl = redis.call('PTTL', KEYS[1])
  redis.call('DEL', KEYS[1])
  for _, item in ipairs(keep) do redis.call('RPUSH', KEYS[1], item) end
  if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
end
return removed`;

/** KEYS recent, counts, who. ARGV messageId, emote, member, ttl. nil when the message is not recent. */
export const REACT = `
local p = '{"id":"' .. ARGV[1] .. '"'
local found = false
for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(item, 1, #p) == p then found = true; break end
end
if not found then return false end
local added = redis.call('SADD', KEYS[3], ARGV[3])
if added == 1 then redis.call('HINCRBY', KEYS[2], ARGV[2], 1) end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
local out = redis.call('HGETALL', KEYS[2])
table.insert(out, 1, tostring(added))
return out`;

/** KEYS room, votes, counts. ARGV pollId, voter, option, now, ttl. Returns {status, option, count, ...}. */
export const VOTE = `
local poll = redis.call('HGET', KEYS[1], 'poll')
if not poll then return {'closed'} end
local p = cjson.decode(poll)
if p.id ~= ARGV[1] then return {'closed'} end
if p.closesAtMs > 0 and tonumber(ARGV[4]) >= p.closesAtMs then return {'closed'} end
local status = 'ok'
if tonumber(ARGV[3]) >= #p.options then
  status = 'invalid'
elseif redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3]) == 0 then
  status = 'duplicate'
else
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
end
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
local out = {status}
for _, v in ipairs(redis.call('HGETALL', KEYS[3])) do out[#out + 1] = v end
return out`;
