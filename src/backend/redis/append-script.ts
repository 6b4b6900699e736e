import { ID_PART_DIGITS } from './redis-keys.js';

/**
 * The one way an image enters Redis: a Lua script, which Redis runs atomically, so that issuing the id, storing
 * the image, announcing it on the feed and trimming history happen as one step that no other instance can
 * interleave with.
 *
 * Ids: Redis's own clock (TIME), never an instance's, against the deployment-wide last id, so ids are unique and
 * strictly increasing across ALL channels and instances (two channels' `XADD *` in the same millisecond would
 * both get "<ms>-0"). When the clock stands still or steps back, the sequence counts up instead.
 *
 * Trimming: per channel by count and bytes, then over all channels by bytes (oldest image anywhere first), never
 * a channel's newest image. Sizes come from the index list, so trimming never reads image bytes.
 *
 * The script touches keys of other channels when it trims the budget, which Redis Cluster forbids: the backend
 * needs one Redis primary (with replicas or Sentinel as you like), see docs/deploy.md.
 *
 * KEYS: lastId, channels, totalBytes, feed, evictable, stream:<c>, index:<c>, meta:<c>
 * ARGV: prefix, channel, retained size, max images/channel, max bytes/channel, max total bytes, max channels,
 *       feed length, type, width, height, data: URL header, meta JSON ("" for none), bytes
 * Returns {id, publishedAt}; fails with "too_many_channels" when a new channel would pass the limit.
 */
export const APPEND_SCRIPT = `
local prefix, channel = ARGV[1], ARGV[2]
local size = tonumber(ARGV[3])
local maxImages, maxBytes, maxTotal, maxChannels = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local lastIdKey, channelsKey, totalKey, feedKey, evictableKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local streamKey, indexKey, metaKey = KEYS[6], KEYS[7], KEYS[8]

if redis.call('SISMEMBER', channelsKey, channel) == 0 and redis.call('SCARD', channelsKey) >= maxChannels then
  return redis.error_reply('too_many_channels')
end

local function pad(number) return string.rep('0', ${ID_PART_DIGITS} - #number) .. number end
local function evictionKey(id, ofChannel)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return pad(ms) .. '-' .. pad(seq) .. ' ' .. ofChannel
end

local time = redis.call('TIME')
local publishedAt = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ms, seq = publishedAt, 0
local lastId = redis.call('GET', lastIdKey)
if lastId then
  local lastMs, lastSeq = string.match(lastId, '^(%d+)-(%d+)$')
  lastMs, lastSeq = tonumber(lastMs), tonumber(lastSeq)
  if ms <= lastMs then ms, seq = lastMs, lastSeq + 1 end
end
local id = string.format('%d-%d', ms, seq)

local previous = redis.call('HGET', metaKey, 'latest')
redis.call('XADD', streamKey, id, 'type', ARGV[9], 'width', ARGV[10], 'height', ARGV[11], 'header', ARGV[12],
  'meta', ARGV[13], 'publishedAt', string.format('%d', publishedAt), 'bytes', ARGV[14])
redis.call('SET', lastIdKey, id)
redis.call('RPUSH', indexKey, id .. ' ' .. size)
redis.call('HSET', metaKey, 'latest', id, 'publishedAt', string.format('%d', publishedAt))
redis.call('HINCRBY', metaKey, 'bytes', size)
redis.call('INCRBY', totalKey, size)
redis.call('SADD', channelsKey, channel)
if previous then redis.call('ZADD', evictableKey, 0, evictionKey(previous, channel)) end
redis.call('XADD', feedKey, 'MAXLEN', '~', ARGV[8], id, 'channel', channel)

-- Removes a channel's oldest image; only called while the channel holds more than one.
local function evictOldest(ofChannel)
  local entry = redis.call('LPOP', prefix .. 'index:' .. ofChannel)
  local oldId, oldSize = string.match(entry, '^(%S+) (%d+)$')
  redis.call('XDEL', prefix .. 'stream:' .. ofChannel, oldId)
  redis.call('HINCRBY', prefix .. 'meta:' .. ofChannel, 'bytes', -tonumber(oldSize))
  redis.call('DECRBY', totalKey, oldSize)
  redis.call('ZREM', evictableKey, evictionKey(oldId, ofChannel))
end

while redis.call('LLEN', indexKey) > 1 and (redis.call('LLEN', indexKey) > maxImages
    or tonumber(redis.call('HGET', metaKey, 'bytes')) > maxBytes) do
  evictOldest(channel)
end
while tonumber(redis.call('GET', totalKey)) > maxTotal do
  local oldest = redis.call('ZRANGE', evictableKey, 0, 0)[1]
  if not oldest then break end -- only channels' newest images are left: maxChannels bounds those
  evictOldest(string.match(oldest, ' (.+)$'))
end
return {id, string.format('%d', publishedAt)}
`;
