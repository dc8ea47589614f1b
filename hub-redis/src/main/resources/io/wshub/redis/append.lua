-- Appends a room message at the room's next seq, trims the room's history, and publishes the
-- sequenced message on the room's channel, in one step: every node with members in it gets the room's messages in seq order.
-- ARGV[5] room, ARGV[6] message (without position), ARGV[7] max messages, ARGV[8] max bytes,
-- ARGV[9] max age (ms), ARGV[10] the bus message's head, ARGV[11] its tail (BusCodec).
-- Returns {seq, epoch}.
local room, message = ARGV[5], ARGV[6]
local maxMessages, maxBytes, ageMs = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local keepMs = ageMs + ttl
local now = nowMs()
local epoch = roomEpoch(room, keepMs)
local seq = redis.call('INCR', roomKey(room, 'seq'))
redis.call('XADD', roomKey(room, 'log'), seq .. '-0', 'm', message, 't', now)
redis.call('INCRBY', roomKey(room, 'bytes'), #message)
trimRoom(room, maxMessages, maxBytes, ageMs, now)
for _, part in ipairs({'epoch', 'seq', 'log'}) do redis.call('PEXPIRE', roomKey(room, part), keepMs) end
redis.call(roomPublish, roomChannel(room), ARGV[10] .. busString(epoch) .. busString(tostring(seq)) .. ARGV[11])
return {seq, epoch}
