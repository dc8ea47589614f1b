-- Records this node's resume tokens, by their SHA-256, in its hash of tokens (hash -> session
-- id), which outlives the node's registration by the resume window: a session of a node that
-- stopped answering stays resumable on another node for its window.
-- ARGV[5] the new token's hash ('' none), ARGV[6] its session id, ARGV[7] the hash it replaces
-- ('' none), ARGV[8] how long the hash lives after this (ms: expiry + resume window).
local key, keep = tokensKey(node), tonumber(ARGV[8])
if ARGV[7] ~= '' then redis.call('HDEL', key, ARGV[7]) end
if ARGV[5] ~= '' then redis.call('HSET', key, ARGV[5], ARGV[6]) end
redis.call('PEXPIRE', key, keep)
redis.call('PEXPIRE', epochsKey(node), keep) -- the inboxes' epochs (inbox.lua) live as long as the tokens
redis.call('SET', keepKey(node), keep, 'PX', keep)
redis.call('ZADD', resumableKey, nowMs() + keep, node)
return 1
