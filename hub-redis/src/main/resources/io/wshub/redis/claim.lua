-- Claims a session id for this node unless another live node holds it, and announces it.
-- ARGV[5] version, ARGV[6] announcement, ARGV[7] session id.
-- Returns 1 claimed, 0 held by another node, 2 free but this node is not registered (the
-- caller registers everything again, this id included).
local now = nowMs()
local id = ARGV[7]
if heldElsewhere(id, otherLiveNodes(now)) then return 0 end
if not registered(now) then return 2 end
redis.call('SADD', sessionsKey(node), id)
redis.call('HSET', recordKey(node), 'ver', ARGV[5])
touch(now)
redis.call('PUBLISH', busChannel, ARGV[6])
return 1
