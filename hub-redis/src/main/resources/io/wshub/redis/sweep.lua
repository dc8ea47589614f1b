-- Ends the sessions of the nodes that are gone and whose resume window has passed: takes their
-- memberships and deletes them in one step, so that exactly one node announces each departure.
-- A session taken over meanwhile (takeover.lua) took its memberships along: it is not announced.
-- Returns {id, room, id, room, ...}.
local now = nowMs()
local live = {}
for _, n in ipairs(liveNodes(now)) do live[n] = true end
local ended = {}
for _, n in ipairs(redis.call('ZRANGEBYSCORE', resumableKey, '-inf', now)) do
  -- A live node stays listed: should it die, its sessions end as soon as it is gone.
  if not live[n] then
    for _, m in ipairs(redis.call('SMEMBERS', membersKey(n))) do
      local space = string.find(m, ' ', 1, true)
      if space then
        ended[#ended + 1] = string.sub(m, 1, space - 1)
        ended[#ended + 1] = string.sub(m, space + 1)
      end
    end
    redis.call('DEL', membersKey(n), tokensKey(n), epochsKey(n), keepKey(n))
    redis.call('ZREM', resumableKey, n)
  end
end
return ended
