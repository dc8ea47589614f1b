-- Shared by every script (prepended by Scripts.java). Redis runs a script atomically, so each
-- script sees and leaves the cluster's entries consistent.
-- ARGV[1] key prefix, ARGV[2] this node's id, ARGV[3] its incarnation, ARGV[4] expiry in ms.
-- Keys are built here from the prefix and node ids, all in the slot of KEYS[1] (Scripts.java): with
-- Redis Cluster the prefix is the key prefix in braces, one hash tag for every key but the rooms',
-- and a room's keys and channel have the room's name as their hash tag.
local prefix, node, inc, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local roomPrefix = string.match(prefix, '^{(.*)}$') or prefix
-- A room's channel is sharded with Redis Cluster (read from the room's shard), plain otherwise.
local roomPublish = roomPrefix ~= prefix and 'SPUBLISH' or 'PUBLISH'
local nodesKey = prefix .. 'nodes'        -- sorted set: node id -> deadline (ms, Redis clock)
local busChannel = prefix .. 'bus'

local function recordKey(n) return prefix .. 'node:' .. n end                -- hash: inc, ver
local function sessionsKey(n) return prefix .. 'node:' .. n .. ':sessions' end -- set of session ids
local function membersKey(n) return prefix .. 'node:' .. n .. ':members' end   -- set of "id room"
local function tokensKey(n) return prefix .. 'node:' .. n .. ':tokens' end     -- hash: token's SHA-256 -> id
local resumableKey = prefix .. 'resumable' -- sorted set: node id -> until when its tokens live (ms)
-- A node's resume keep (ms), which token.lua writes: its memberships outlive its last heartbeat by
-- that and an expiry, so that a session of a node that stopped answering is taken over with its
-- rooms, or else announced gone by sweep.lua once its window has passed.
local function keepKey(n) return prefix .. 'node:' .. n .. ':keep' end
-- A node's sessions' inboxes (hash: session id -> "<epoch> <latest seq>"), beside their tokens and
-- living as long: a node that takes a session over continues its inbox in the epoch its client
-- knows and after its latest seq, even when no message of it is left in Redis.
local function epochsKey(n) return prefix .. 'node:' .. n .. ':epochs' end

-- Redis' own clock, so that nodes' clocks never matter.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function liveNodes(now)
  return redis.call('ZRANGEBYSCORE', nodesKey, '(' .. now, '+inf')
end

-- Whether this start of this node is registered and not expired.
local function registered(now)
  local deadline = redis.call('ZSCORE', nodesKey, node)
  return deadline ~= false and tonumber(deadline) > now and redis.call('HGET', recordKey(node), 'inc') == inc
end

local function touch(now)
  redis.call('ZADD', nodesKey, now + ttl, node)
  redis.call('PEXPIRE', recordKey(node), ttl)
  redis.call('PEXPIRE', sessionsKey(node), ttl)
  local keep = redis.call('GET', keepKey(node))
  if keep then
    -- With resume, memberships outlive the node's tokens by an expiry, for sweep.lua to find them.
    local life = ttl + tonumber(keep)
    redis.call('PEXPIRE', membersKey(node), life)
    redis.call('PEXPIRE', keepKey(node), life)
  else
    redis.call('PEXPIRE', membersKey(node), ttl)
  end
end

local function heldElsewhere(id, others)
  for _, other in ipairs(others) do
    if redis.call('SISMEMBER', sessionsKey(other), id) == 1 then return true end
  end
  return false
end

local function otherLiveNodes(now)
  local others = {}
  for _, n in ipairs(liveNodes(now)) do
    if n ~= node then others[#others + 1] = n end
  end
  return others
end

-- Applies "+s"/"-s" (session ids) and "+m"/"-m" (memberships) ops from ARGV[first] on, in pairs.
local function applyOps(first)
  for i = first, #ARGV, 2 do
    local op, member = ARGV[i], ARGV[i + 1]
    if op == '+s' then redis.call('SADD', sessionsKey(node), member)
    elseif op == '-s' then redis.call('SREM', sessionsKey(node), member)
    elseif op == '+m' then redis.call('SADD', membersKey(node), member)
    elseif op == '-m' then redis.call('SREM', membersKey(node), member)
    else return redis.error_reply('unknown op ' .. tostring(op)) end
  end
end

-- Room histories (the cluster-wide order of rooms): per room an epoch (string), the latest seq
-- (counter) and a stream of the kept messages, entry id "<seq>-0", fields m (the message without
-- its position) and t (ms, Redis clock). The three keys expire together, an age limit after the
-- room's last message: a history that is gone starts again with a new epoch.
-- The room's name is a hash tag, so that its keys and its channel (roomChannel) share one slot.
local function roomKey(room, part) return roomPrefix .. 'room:{' .. room .. '}:' .. part end
-- The channel of a room's messages and presence, read only by the nodes with members in it
-- (RedisBroker.roomChannel builds the same name).
local function roomChannel(room) return roomPrefix .. 'room:{' .. room .. '}' end

-- A fresh epoch for the room: Redis' time and a counter of the room's (in its slot), unique across
-- flushes and failovers.
local function newEpoch(room, keepMs)
  local t = redis.call('TIME')
  local n = redis.call('INCR', roomKey(room, 'epochs'))
  redis.call('PEXPIRE', roomKey(room, 'epochs'), keepMs)
  return string.format('%x.%x.%x', tonumber(t[1]), tonumber(t[2]), n)
end

-- The room's epoch, made (with seq 0 and no messages) when the room has none.
local function roomEpoch(room, keepMs)
  local epochKey = roomKey(room, 'epoch')
  local epoch = redis.call('GET', epochKey)
  if epoch then return epoch end
  epoch = newEpoch(room, keepMs)
  redis.call('DEL', roomKey(room, 'seq'), roomKey(room, 'log'), roomKey(room, 'bytes'))
  redis.call('SET', epochKey, epoch, 'PX', keepMs)
  return epoch
end

-- Forgets a stream's oldest messages beyond its limits (count, payload bytes, age); the newest stays.
local function trimStream(log, bytesKey, maxMessages, maxBytes, ageMs, now)
  local len = redis.call('XLEN', log)
  local bytes = tonumber(redis.call('GET', bytesKey) or '0')
  while len > 1 do
    local oldest = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)[1]
    local fields = oldest[2]
    local size, t = 0, 0
    for i = 1, #fields, 2 do
      if fields[i] == 'm' then size = #fields[i + 1] elseif fields[i] == 't' then t = tonumber(fields[i + 1]) end
    end
    if len <= maxMessages and bytes <= maxBytes and t >= now - ageMs then break end
    redis.call('XDEL', log, oldest[1])
    len = len - 1
    bytes = bytes - size
  end
  redis.call('SET', bytesKey, bytes, 'PX', ageMs + ttl)
end

local function trimRoom(room, maxMessages, maxBytes, ageMs, now)
  trimStream(roomKey(room, 'log'), roomKey(room, 'bytes'), maxMessages, maxBytes, ageMs, now)
end

-- A session's inbox, written through by its node: epoch, stream of messages as sent, bytes.
local function inboxKey(id, part) return prefix .. 'session:' .. id .. ':inbox:' .. part end

-- A session's mail: private messages sent to it while its node did not listen (it died, or lost
-- Redis), kept for the node that takes the session over (mail.lua, takeover.lua): a stream of the
-- messages as sent (field m, unpositioned; t, ms) and their bytes.
local function mailKey(id, part) return prefix .. 'session:' .. id .. ':mail:' .. part end
-- While a session moves to the node that took it over (takeover.lua) and until it is open there
-- (arrived.lua), its mail keeps every positioned private message sent to it: mailKey(id, 'arriving')
-- names that node, and lives at most this long.
local function arrivingMs() return 2 * ttl end

-- Keeps a message, as sent, in the session's mail for keepMs, trimmed to the inbox's limits
-- (ARGV[9] max messages, ARGV[10] max bytes, ARGV[11] max age in ms).
local function keepMail(id, sent, now, keepMs)
  local log, bytesKey = mailKey(id, 'log'), mailKey(id, 'bytes')
  redis.call('XADD', log, '*', 'm', sent, 't', now)
  redis.call('INCRBY', bytesKey, #sent)
  trimStream(log, bytesKey, tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), now)
  redis.call('PEXPIRE', log, keepMs)
  redis.call('PEXPIRE', bytesKey, keepMs)
end

-- Appends the messages (field m) of stream entries to a script's answer.
local function appendMessages(answer, entries)
  for _, e in ipairs(entries) do
    local fields = e[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'm' then answer[#answer + 1] = fields[i + 1] end
    end
  end
end

-- Takes the session's mail: its messages, oldest first, appended to answer; the mail is gone.
-- Returns how many.
local function takeMail(id, answer)
  local mail = redis.call('XRANGE', mailKey(id, 'log'), '-', '+')
  redis.call('DEL', mailKey(id, 'log'), mailKey(id, 'bytes'))
  appendMessages(answer, mail)
  return #mail
end

-- A session's handled refs, written through by its node: acks (hash: ref -> the seq its ack
-- carried), order (list of refs, oldest first: which goes beyond the window) and node (the one node
-- that writes them, which a take-over makes the taker).
local function refsKey(id, part) return prefix .. 'session:' .. id .. ':refs:' .. part end

-- A string as BusCodec writes one: a 4-byte big-endian length, then the bytes.
local function busString(s)
  local n = #s
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256) .. s
end
