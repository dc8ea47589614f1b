-- Keeps this node alive, drops expired nodes, and lists the live ones with their stamps.
-- Returns {0} when this node is not registered (the caller registers everything again),
-- else {1, node, inc, ver, node, inc, ver, ...} for every other live node.
local now = nowMs()
redis.call('ZREMRANGEBYSCORE', nodesKey, '-inf', now)
if not registered(now) then return {0} end
touch(now)
local result = {1}
for _, other in ipairs(otherLiveNodes(now)) do
  local stamp = redis.call('HMGET', recordKey(other), 'inc', 'ver')
  if stamp[1] and stamp[2] then
    result[#result + 1] = other
    result[#result + 1] = stamp[1]
    result[#result + 1] = stamp[2]
  end
end
return result
