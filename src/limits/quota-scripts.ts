/**
 * The Lua scripts of the shared quota ledger (redis-quota-ledger.ts). Each runs atomically in
 * Redis, so a check and the change it allows are one step for every instance. Keys:
 * `bytes` and `uploads` map an owner key to its total bytes and unfinished uploads;
 * `entries` maps an upload id, and `reservations` a creation's token, to the entry
 * `bytes|deferred|unfinished|ownerKey` it counts for.
 */

/**
 * The scripts that let usage grow take the `built` marker as their last key and a flag as
 * their last argument: with the flag '1' and no marker (Redis lost its data) they change
 * nothing and answer {-1}, so the ledger is rebuilt before anything is let through.
 */
const UNBUILT_GUARD = `
if ARGV[#ARGV] == '1' and redis.call('EXISTS', KEYS[#KEYS]) == 0 then return { -1 } end
`;

const ENTRY_FUNCTIONS = `
local function parse(text)
  if not text then return nil end
  local bytes, deferred, unfinished, owner = string.match(text, '^(%d+)|(%d)|(%d)|(.*)$')
  return { bytes = tonumber(bytes), deferred = deferred == '1', unfinished = unfinished == '1', owner = owner }
end
local function encode(entry)
  return string.format('%d|%d|%d|%s', entry.bytes, entry.deferred and 1 or 0, entry.unfinished and 1 or 0, entry.owner)
end
local function bump(key, owner, by)
  if by == 0 then return end
  if redis.call('HINCRBY', key, owner, by) == 0 then redis.call('HDEL', key, owner) end
end
local function count(bytesKey, uploadsKey, entry, sign)
  bump(bytesKey, entry.owner, sign * entry.bytes)
  if entry.unfinished then bump(uploadsKey, entry.owner, sign) end
end
local function used(key, owner)
  return tonumber(redis.call('HGET', key, owner) or '0')
end
`;

/** KEYS bytes, uploads, reservations, built; ARGV ownerKey, length (-1: deferred), maxBytes, maxUploads, token, guard. Returns {0} or {1, bytes used} or {2, uploads used}. */
export const RESERVE = `${ENTRY_FUNCTIONS}${UNBUILT_GUARD}
local owner, length, maxBytes, maxUploads = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local entry = { bytes = math.max(length, 0), deferred = length < 0, unfinished = length ~= 0, owner = owner }
local bytesUsed = used(KEYS[1], owner)
if maxBytes > 0 and bytesUsed + entry.bytes > maxBytes then return { 1, bytesUsed } end
local uploadsUsed = used(KEYS[2], owner)
if maxUploads > 0 and entry.unfinished and uploadsUsed + 1 > maxUploads then return { 2, uploadsUsed } end
count(KEYS[1], KEYS[2], entry, 1)
redis.call('HSET', KEYS[3], ARGV[5], encode(entry))
return { 0 }
`;

/** KEYS reservations, entries; ARGV token, id: the reservation becomes the upload's entry. */
export const COMMIT = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], entry)
return 1
`;

/** KEYS bytes, uploads, reservations; ARGV token: the reservation is given back. */
export const CANCEL = `${ENTRY_FUNCTIONS}
local entry = parse(redis.call('HGET', KEYS[3], ARGV[1]))
if not entry then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
count(KEYS[1], KEYS[2], entry, -1)
return 1
`;

/** KEYS bytes, entries, built; ARGV id, length, maxBytes, guard. Returns {0} (counted, or not deferred) or {1, bytes used}. */
export const DECLARE = `${ENTRY_FUNCTIONS}${UNBUILT_GUARD}
local entry = parse(redis.call('HGET', KEYS[2], ARGV[1]))
if not entry or not entry.deferred then return { 0 } end
local length, maxBytes = tonumber(ARGV[2]), tonumber(ARGV[3])
local bytesUsed = used(KEYS[1], entry.owner)
if maxBytes > 0 and bytesUsed - entry.bytes + length > maxBytes then return { 1, bytesUsed } end
bump(KEYS[1], entry.owner, length - entry.bytes)
entry.bytes = length
entry.deferred = false
redis.call('HSET', KEYS[2], ARGV[1], encode(entry))
return { 0 }
`;

/** KEYS bytes, entries, built; ARGV id, bytes, maxBytes, guard. Returns {bytes allowed, bytes used after}. */
export const GROW = `${ENTRY_FUNCTIONS}${UNBUILT_GUARD}
local wanted, maxBytes = tonumber(ARGV[2]), tonumber(ARGV[3])
local entry = parse(redis.call('HGET', KEYS[2], ARGV[1]))
if not entry or not entry.deferred then return { wanted, 0 } end
local bytesUsed = used(KEYS[1], entry.owner)
local allowed = wanted
if maxBytes > 0 then allowed = math.max(0, math.min(wanted, maxBytes - bytesUsed)) end
bump(KEYS[1], entry.owner, allowed)
entry.bytes = entry.bytes + allowed
redis.call('HSET', KEYS[2], ARGV[1], encode(entry))
return { allowed, bytesUsed + allowed }
`;

/** KEYS bytes, uploads, entries; ARGV id, ownerKey, bytes, deferred (0/1), unfinished (0/1): the upload counts for what the store holds. */
export const TRACK = `${ENTRY_FUNCTIONS}
local previous = parse(redis.call('HGET', KEYS[3], ARGV[1]))
if previous then count(KEYS[1], KEYS[2], previous, -1) end
local entry = { bytes = tonumber(ARGV[3]), deferred = ARGV[4] == '1', unfinished = ARGV[5] == '1', owner = previous and previous.owner or ARGV[2] }
count(KEYS[1], KEYS[2], entry, 1)
redis.call('HSET', KEYS[3], ARGV[1], encode(entry))
return 1
`;

/** KEYS bytes, uploads, entries; ARGV id: the upload is gone. */
export const REMOVE = `${ENTRY_FUNCTIONS}
local entry = parse(redis.call('HGET', KEYS[3], ARGV[1]))
if not entry then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
count(KEYS[1], KEYS[2], entry, -1)
return 1
`;
