-- Removes this node's entries (if they are still this start's) and says goodbye.
-- ARGV[5] announcement, ARGV[6] how long (ms) its held sessions stay resumable on the other nodes
-- ('0': they end with it): its tokens stay that long, counted from now, and its memberships an
-- expiry longer, for sweep.lua to announce the sessions not resumed.
-- Returns 1 when it removed them.
if redis.call('HGET', recordKey(node), 'inc') ~= inc then return 0 end
local keep = tonumber(ARGV[6])
if keep > 0 then
  redis.call('DEL', recordKey(node), sessionsKey(node))
  redis.call('PEXPIRE', membersKey(node), keep + ttl) -- for sweep.lua, after the tokens
  redis.call('PEXPIRE', tokensKey(node), keep)
  redis.call('ZADD', resumableKey, nowMs() + keep, node)
else
  redis.call('DEL', recordKey(node), sessionsKey(node), membersKey(node))
end
redis.call('ZREM', nodesKey, node)
redis.call('PUBLISH', busChannel, ARGV[5])
return 1
