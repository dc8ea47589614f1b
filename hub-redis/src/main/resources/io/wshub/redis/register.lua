-- Writes all of this node's entries afresh and announces it.
-- ARGV[5] version, ARGV[6] announcement, ARGV[7..] ops in pairs (all "+s" and "+m").
-- Returns the session ids another live node holds too (claimed there while this node was cut off).
local now = nowMs()
redis.call('DEL', recordKey(node), sessionsKey(node), membersKey(node))
local err = applyOps(7)
if err then return err end
local others = otherLiveNodes(now)
local conflicts = {}
for i = 7, #ARGV, 2 do
  if ARGV[i] == '+s' and heldElsewhere(ARGV[i + 1], others) then conflicts[#conflicts + 1] = ARGV[i + 1] end
end
redis.call('HSET', recordKey(node), 'inc', inc, 'ver', ARGV[5])
touch(now)
redis.call('PUBLISH', busChannel, ARGV[6])
return conflicts
