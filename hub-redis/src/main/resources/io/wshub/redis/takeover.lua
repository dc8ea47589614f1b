-- Takes over, for this node, the session another node holds whose resume token has this hash:
-- the token is used up, the other node's claims of the session and its memberships go, and that
-- node is told (ARGV[7], a Moved message on its channel) to let the session go quietly.
-- ARGV[5] the token's hash, ARGV[6] the session id the credentials name ('' any), ARGV[7] the
-- Moved message's head (BusCodec; the session id follows it).
-- Returns {1, id, n, room 1..n, inbox epoch ('' none), inbox's latest seq, k, ref 1..k each with its
-- ack's seq, j, mail 1..j, the inbox's messages...}, or {0} when no other node holds such a token.
local now = nowMs()
local holder, id
-- Nodes past their deadline stay listed for sweep.lua, which announces their sessions' departures.
for _, n in ipairs(redis.call('ZRANGEBYSCORE', resumableKey, '(' .. now, '+inf')) do
  id = redis.call('HGET', tokensKey(n), ARGV[5])
  if id then holder = n break end
end
if not holder or holder == node or (ARGV[6] ~= '' and ARGV[6] ~= id) then return {0} end
redis.call('HDEL', tokensKey(holder), ARGV[5])
local answer = {1, id, 0}
local cursor = '0'
repeat
  local page = redis.call('SSCAN', membersKey(holder), cursor, 'MATCH', id .. ' *', 'COUNT', 1000)
  cursor = page[1]
  for _, m in ipairs(page[2]) do
    answer[#answer + 1] = string.sub(m, #id + 2)
    answer[3] = answer[3] + 1
    redis.call('SREM', membersKey(holder), m)
  end
until cursor == '0'
redis.call('SREM', sessionsKey(holder), id)
-- Then its inbox as written through: epoch ('' none), latest seq, the kept messages oldest first.
-- Its stream may be gone (no message within its age limit, or none yet): its node's record of the
-- inbox's epoch and latest seq still says where its seqs continue.
local epoch = redis.call('GET', inboxKey(id, 'epoch'))
local inbox = redis.call('XRANGE', inboxKey(id, 'log'), '-', '+')
local lastSeq = #inbox == 0 and '0' or string.sub(inbox[#inbox][1], 1, -3)
local recorded = redis.call('HGET', epochsKey(holder), id)
redis.call('HDEL', epochsKey(holder), id)
if #inbox == 0 and recorded then
  local space = string.find(recorded, ' ', 1, true)
  epoch, lastSeq = string.sub(recorded, 1, space - 1), string.sub(recorded, space + 1)
end
answer[#answer + 1] = epoch or ''
answer[#answer + 1] = lastSeq
-- Then its handled refs, oldest first, each with its ack's seq; this node writes them from now on.
local refs = redis.call('LRANGE', refsKey(id, 'order'), 0, -1)
local count = #answer + 1
answer[count] = 0
if #refs > 0 then
  local flat, seqs = redis.call('HGETALL', refsKey(id, 'acks')), {}
  for i = 1, #flat, 2 do seqs[flat[i]] = flat[i + 1] end
  for _, r in ipairs(refs) do
    if seqs[r] then
      answer[#answer + 1] = r
      answer[#answer + 1] = seqs[r]
      answer[count] = answer[count] + 1
    end
  end
end
-- This node holds the session from now on: the old node's late writes and its discard of the refs
-- and the inbox change nothing (refs.lua, inbox.lua). Without refs the mark needs only outlast them.
if not redis.call('SET', refsKey(id, 'node'), node, 'XX', 'KEEPTTL') then
  redis.call('SET', refsKey(id, 'node'), node, 'PX', 2 * ttl)
end
-- The session is on its way here: its private messages are kept for it until it is open here
-- (mail.lua, inbox.lua, arrived.lua).
redis.call('SET', mailKey(id, 'arriving'), node, 'PX', arrivingMs())
-- Then its mail (mail.lua: what was sent to it while its node did not listen), which goes with it.
local mailAt = #answer + 1
answer[mailAt] = 0 -- the slot of the mail's count, before its messages, filled once they are taken
answer[mailAt] = takeMail(id, answer)
appendMessages(answer, inbox)
redis.call('PUBLISH', prefix .. 'inbox:' .. holder, ARGV[7] .. busString(id))
return answer
