-- Reads the entries of the live nodes named in ARGV[5..].
-- Returns {{node, inc, ver, {session ids}, {memberships}}, ...}; a node gone meanwhile is left out.
local now = nowMs()
local result = {}
for i = 5, #ARGV do
  local other = ARGV[i]
  local deadline = redis.call('ZSCORE', nodesKey, other)
  local stamp = redis.call('HMGET', recordKey(other), 'inc', 'ver')
  if deadline and tonumber(deadline) > now and stamp[1] and stamp[2] then
    result[#result + 1] = {other, stamp[1], stamp[2],
      redis.call('SMEMBERS', sessionsKey(other)), redis.call('SMEMBERS', membersKey(other))}
  end
end
return result
