-- Writes a handled ref through to its session's refs: ref -> the seq its ack carried, the oldest
-- beyond the window forgotten, every key expiring a keep after the session's latest ref. Only the
-- node that holds the session writes: after a take-over the old node's late writes and its discard
-- change nothing.
-- ARGV[5] session id, ARGV[6] ref ('' drops the refs: the session ended), ARGV[7] seq,
-- ARGV[8] window, ARGV[9] keep (ms).
local id, ref = ARGV[5], ARGV[6]
local acks, order, owner = refsKey(id, 'acks'), refsKey(id, 'order'), refsKey(id, 'node')
local holder = redis.call('GET', owner)
if holder and holder ~= node then return 0 end
if ref == '' then redis.call('DEL', acks, order, owner) return 1 end
local keepMs = tonumber(ARGV[9])
if redis.call('HSET', acks, ref, ARGV[7]) == 1 then
  redis.call('RPUSH', order, ref)
  local window = tonumber(ARGV[8])
  while redis.call('LLEN', order) > window do
    redis.call('HDEL', acks, redis.call('LPOP', order))
  end
end
redis.call('SET', owner, node, 'PX', keepMs)
redis.call('PEXPIRE', acks, keepMs)
redis.call('PEXPIRE', order, keepMs)
return 1
