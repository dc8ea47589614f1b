-- Removes this node's entries (if they are still this start's) and says goodbye.
-- ARGV[5] announcement. Returns 1 when it removed them.
if redis.call('HGET', recordKey(node), 'inc') ~= inc then return 0 end
redis.call('DEL', recordKey(node), sessionsKey(node), membersKey(node))
redis.call('ZREM', nodesKey, node)
redis.call('PUBLISH', busChannel, ARGV[5])
return 1
