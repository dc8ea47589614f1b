-- Keeps this node alive, drops expired nodes, and lists the live ones with their stamps, then the
-- silent ones: gone, their sessions still resumable (their private messages are kept: mail.lua).
-- Returns {0} when this node is not registered (the caller registers everything again),
-- else {1, k, node, inc, ver, ... (k other live nodes), silent node, ...}.
local now = nowMs()
redis.call('ZREMRANGEBYSCORE', nodesKey, '-inf', now)
if not registered(now) then return {0} end
touch(now)
local result, live = {1, 0}, {[node] = true}
for _, other in ipairs(otherLiveNodes(now)) do
  live[other] = true
  local stamp = redis.call('HMGET', recordKey(other), 'inc', 'ver')
  if stamp[1] and stamp[2] then
    result[#result + 1] = other
    result[#result + 1] = stamp[1]
    result[#result + 1] = stamp[2]
    result[2] = result[2] + 1
  end
end
for _, n in ipairs(redis.call('ZRANGEBYSCORE', resumableKey, '(' .. now, '+inf')) do
  if not live[n] then result[#result + 1] = n end
end
return result
