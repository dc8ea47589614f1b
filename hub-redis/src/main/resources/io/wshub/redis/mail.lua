-- Sends a private message to the node that holds its session, or keeps it for the node that will
-- take the session over when that node does not listen: it died (its session stays resumable for
-- its window) or lost Redis. The holder is the session's owner once a take-over named one
-- (refsKey(id, 'node')), else the node the sender's view knows. While the session moves to the
-- node that took it over, the message is kept for that node, which takes it once the session is
-- open there (arrived.lua): published now it could reach that node before the session does.
-- ARGV[5] session id, ARGV[6] the holder the sender knows, ARGV[7] the bus message to publish,
-- ARGV[8] the message as sent (unpositioned), ARGV[9] max messages, ARGV[10] max bytes,
-- ARGV[11] max age (ms), ARGV[12] '1' when PUBLISH counts every receiver (not with Redis
-- Cluster, where it counts those of one shard only: there a node is silent once past its deadline).
-- Returns 1 published to a listening node, 2 kept, 0 neither (its node is gone and its tokens too).
local id = ARGV[5]
local now = nowMs()
if redis.call('EXISTS', mailKey(id, 'arriving')) == 1 then
  keepMail(id, ARGV[8], now, arrivingMs())
  return 2
end
local holder = redis.call('GET', refsKey(id, 'node')) or ARGV[6]
local receivers = redis.call('PUBLISH', prefix .. 'inbox:' .. holder, ARGV[7])
local listening = receivers > 0
if ARGV[12] ~= '1' then
  local deadline = redis.call('ZSCORE', nodesKey, holder)
  listening = deadline ~= false and tonumber(deadline) > now
end
if listening then return 1 end
local resumableUntil = redis.call('ZSCORE', resumableKey, holder)
if not resumableUntil or tonumber(resumableUntil) <= now then return 0 end
keepMail(id, ARGV[8], now, tonumber(resumableUntil) - now + ttl)
return 2
