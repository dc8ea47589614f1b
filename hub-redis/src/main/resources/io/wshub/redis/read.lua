-- A room's position and, when asked, the messages after a position: for a join or a resume.
-- ARGV[5] room, ARGV[6] the epoch left off at ('' for the position alone), ARGV[7] the seq left
-- off at, ARGV[8] max messages, ARGV[9] max bytes, ARGV[10] max age (ms).
-- Returns {epoch, latest seq, recovered (0/1), message after it, ...}: recovered when the epoch is
-- the room's, the seq is at most the latest and every message after it is still kept.
local room, sinceEpoch, since = ARGV[5], ARGV[6], tonumber(ARGV[7])
local maxMessages, maxBytes, ageMs = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local now = nowMs()
local epoch = roomEpoch(room, ageMs + ttl)
local latest = tonumber(redis.call('GET', roomKey(room, 'seq')) or '0')
local answer = {epoch, latest, 0}
if sinceEpoch ~= epoch or since > latest then return answer end
trimRoom(room, maxMessages, maxBytes, ageMs, now)
if since == latest then answer[3] = 1 return answer end
local entries = redis.call('XRANGE', roomKey(room, 'log'), (since + 1) .. '-0', '+')
if #entries ~= latest - since or entries[1][1] ~= (since + 1) .. '-0' then return answer end
answer[3] = 1
appendMessages(answer, entries)
return answer
