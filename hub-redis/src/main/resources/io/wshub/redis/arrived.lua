-- Ends the journey of a session this node took over (takeover.lua), now open here: its private
-- messages are published to this node from now on, and what was kept for it meanwhile (mail.lua,
-- and what the node it left wrote too late, inbox.lua) is handed over, in one step, so that this
-- node delivers those first.
-- ARGV[5] the session id.
-- Returns the messages kept, as sent, oldest first; none when another node has taken it over since.
local id = ARGV[5]
local arriving = mailKey(id, 'arriving')
local taker = redis.call('GET', arriving)
local holder = redis.call('GET', refsKey(id, 'node'))
if (taker and taker ~= node) or (holder and holder ~= node) then return {} end
redis.call('DEL', arriving)
local answer = {}
takeMail(id, answer)
return answer
