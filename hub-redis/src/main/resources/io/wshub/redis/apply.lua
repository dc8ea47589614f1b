-- Applies changes to this node's entries and announces them.
-- ARGV[5] version, ARGV[6] announcement, ARGV[7..] ops in pairs (op, member).
-- Returns 1 applied, 0 not registered (the caller registers everything again).
local now = nowMs()
if not registered(now) then return 0 end
local err = applyOps(7)
if err then return err end
redis.call('HSET', recordKey(node), 'ver', ARGV[5])
touch(now)
redis.call('PUBLISH', busChannel, ARGV[6])
return 1
