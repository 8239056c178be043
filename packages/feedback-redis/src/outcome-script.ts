import { createHash } from 'node:crypto';
import type { LuaScript } from './redis-scripts';

const source = `
-- Redis 6 replicates a script that reads TIME only by its effects when asked to; 7 always does.
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if now > tonumber(ARGV[2]) then return {'late', tostring(now)} end
local value = redis.pcall('GET', KEYS[1])
if not value then return {'missing'} end
if type(value) ~= 'string' then return {'missing', ''} end
local model = redis.pcall('HGET', KEYS[2], string.sub(value, 2, 9))
if type(model) ~= 'string' then model = '' end
local added = redis.pcall('SADD', KEYS[3], ARGV[1])
if type(added) == 'table' and added.err then return {'refused', added.err} end
if added == 0 then return {'answered', value, model} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[3], ttl) end
return {'taken', value, model}
`;

/**
 * Takes one business outcome of a prediction, atomically: whichever replica reports the
 * (prediction, outcome name) first gets `taken`, every later report `answered`.
 * KEYS[1]: the prediction key; KEYS[2]: the model hash of its group; KEYS[3]: the set of the outcome
 * names the prediction got, in the same hash slot as the prediction key on Redis Cluster.
 * ARGV[1]: the outcome name; ARGV[2]: the deadline (ms since the epoch) past which Redis refuses to
 * take it, because the process that asked has given up waiting (as for feedback lookups).
 *
 * The prediction's own value is only read, never changed, whatever its state: label feedback and
 * outcomes do not take from each other. The set expires with the prediction (same remaining time),
 * so it never outlives it; a prediction stored without expiry (`ttlMs` Infinity) keeps its set as long.
 * A full Redis (OOM) refuses the `SADD`: the outcome is then not counted anywhere, since counting
 * it without the mark could count it twice.
 * Returns `{state}` or `{state, value, model entry}` with state `missing`, `answered`, `taken`;
 * `{'missing', ''}` for a key of another type (another program's); `{'refused', error}`; `{'late', now}`.
 */
export const OUTCOME_SCRIPT: LuaScript = { source, sha: createHash('sha1').update(source).digest('hex') };
