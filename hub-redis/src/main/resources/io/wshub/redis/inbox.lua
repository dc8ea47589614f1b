-- Writes a private message through to its session's inbox stream, at its seq: entry id "<seq>-0",
-- fields m (the message as sent) and t; the epoch beside it. The session's one node writes it, in
-- order; a node that takes the session over reads it (takeover.lua). Only the node that holds the
-- session writes (its owner, as for the refs): after a take-over the old node's late writes and its
-- discard change nothing, but for a late message while the session is on its way to its taker.
-- Its epoch and latest seq are also recorded beside the node's tokens (epochsKey), living as long:
-- with no message written, or none left, a take-over still continues the inbox where it was.
-- ARGV[5] session id, ARGV[6] epoch ('' drops the inbox: the session ended), ARGV[7] seq,
-- ARGV[8] message ('' none: the inbox opened at that seq), ARGV[9] max messages, ARGV[10] max
-- bytes, ARGV[11] max age (ms).
local id, epoch = ARGV[5], ARGV[6]
local holder = redis.call('GET', refsKey(id, 'node'))
if holder and holder ~= node then
  -- A message this node took in before the take-over, written after it: while the session is on
  -- its way to its taker, the taker gets it with the mail, as sent (without its seq, the last field
  -- the room protocol gives a positioned message: the taker gives it the next).
  if epoch ~= '' and ARGV[8] ~= '' and redis.call('EXISTS', mailKey(id, 'arriving')) == 1 then
    local sent = string.match(ARGV[8], '^(.*),"seq":%d+}$')
    if sent then keepMail(id, sent .. '}', nowMs(), arrivingMs()) end
  end
  return 0
end
local epochKey, log, bytesKey = inboxKey(id, 'epoch'), inboxKey(id, 'log'), inboxKey(id, 'bytes')
if epoch == '' then
  redis.call('DEL', epochKey, log, bytesKey, mailKey(id, 'log'), mailKey(id, 'bytes'), mailKey(id, 'arriving'))
  redis.call('HDEL', epochsKey(node), id)
  return 0
end
if redis.call('HSET', epochsKey(node), id, epoch .. ' ' .. ARGV[7]) == 1 then
  -- a new record, maybe the hash's first: it lives as the tokens do, which token.lua renews
  local keep = redis.call('GET', keepKey(node))
  redis.call('PEXPIRE', epochsKey(node), keep and tonumber(keep) or ttl)
end
if ARGV[8] == '' then return 1 end
local ageMs = tonumber(ARGV[11])
local keepMs = ageMs + ttl
local now = nowMs()
if redis.call('GET', epochKey) ~= epoch then redis.call('DEL', log, bytesKey) end
redis.call('SET', epochKey, epoch, 'PX', keepMs)
local ok = redis.pcall('XADD', log, ARGV[7] .. '-0', 'm', ARGV[8], 't', now)
if type(ok) == 'table' and ok.err then return 0 end -- a seq already written: a late write of a node that let the session go
redis.call('INCRBY', bytesKey, #ARGV[8])
trimStream(log, bytesKey, tonumber(ARGV[9]), tonumber(ARGV[10]), ageMs, now)
redis.call('PEXPIRE', log, keepMs)
return 1
