import { createHash } from 'node:crypto';

/** A Lua script, sent by its SHA1 (`EVALSHA`) once Redis knows it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Writes a batch of predictions, each only when its key is free (`SET NX`, never overwriting)
 * and with its own expiry. KEYS: the model hash, the prediction keys, then (with the trace index)
 * the trace keys of the predictions that have one. ARGV: an epoch for the model hash, the number
 * of models, each model's code and entry (written to the model hash with every batch, so that a
 * restarted Redis learns them again), then per prediction its value, its expiry in ms (`0`: none),
 * and its prediction ID when it is indexed by trace (else an empty string).
 *
 * `pcall` keeps one refused write (a full Redis answers OOM) from failing the others. A trace key
 * holds the ID of its only prediction, or the empty string once a second prediction shares it.
 * A key that already holds this very prediction (the state character aside) counts as stored: a
 * batch whose answer never came is sent again, and finds what its first sending wrote.
 *
 * The model hash's `~epoch` field is set once, by the first batch after Redis started empty: a
 * replica that sees it change knows that Redis lost what it held (a restart without persistence, a
 * flush). Returns one character per prediction (`s` stored, `a` stored by an earlier sending, `e` the ID existed,
 * `o` refused), a
 * space, and the epoch (empty when a full Redis refused to set it).
 */
export const WRITE_SCRIPT = script(`
local epoch = redis.pcall('HGET', KEYS[1], '~epoch')
if type(epoch) ~= 'string' then
  epoch = ARGV[1]
  local set = redis.pcall('HSET', KEYS[1], '~epoch', epoch)
  if type(set) == 'table' and set.err then epoch = '' end
end
local models = tonumber(ARGV[2])
for m = 1, models do redis.pcall('HSET', KEYS[1], ARGV[2 * m + 1], ARGV[2 * m + 2]) end
local first = 2 * models + 3
local n = (#ARGV - first + 1) / 3
local status = {}
local traceKey = n + 1
for i = 1, n do
  local at = first + 3 * i - 3
  local value, px, id = ARGV[at], ARGV[at + 1], ARGV[at + 2]
  local expiry = {'PX', px}
  if px == '0' then expiry = {} end
  local done = redis.pcall('SET', KEYS[i + 1], value, 'NX', unpack(expiry))
  if done and not (type(done) == 'table' and done.err) then
    status[i] = 's'
  else
    -- Not set: the key exists, or a full Redis refused (it refuses before looking).
    local held = redis.pcall('GET', KEYS[i + 1])
    if type(held) == 'string' and string.sub(held, 2) == string.sub(value, 2) then
      status[i] = 'a'
    elseif done then
      status[i] = 'o'
    else
      status[i] = 'e'
    end
  end
  if id ~= '' then
    traceKey = traceKey + 1
    if status[i] == 's' then
      local only = redis.pcall('SET', KEYS[traceKey], id, 'NX', unpack(expiry))
      if only == false then redis.pcall('SET', KEYS[traceKey], '', 'XX', 'KEEPTTL') end
    end
  end
end
return table.concat(status) .. ' ' .. epoch
`);

/**
 * Takes a prediction for its feedback, atomically: whichever replica asks first gets it, every
 * later one sees it answered. KEYS[1]: the prediction key, or the trace key when ARGV[2] (the
 * prediction key prefix) is not empty; KEYS[2]: the model hash. ARGV[1]: `n` (a number, takes any prediction), `s` (a class
 * label, takes only a classification one) or empty (only looks).
 *
 * Taking flips the state character to upper case in place (`SETRANGE`), which keeps the key's
 * expiry. A full Redis refuses even that (OOM): the key is then deleted, so the prediction is
 * still taken only once, but a later duplicate counts as unmatched.
 * Returns `{state}` or `{state, value, model entry}` with state `missing`, `ambiguous`, `answered`, `kept`, `taken`;
 * `{'missing', ''}` for a key of another type (another program's), which `GET` refuses.
 *
 * ARGV[3], when not empty, is the lookup's deadline in ms since the epoch by the clock of the replica
 * that asks: a script that Redis starts after it (by Redis's own clock, `TIME`) changes nothing and
 * returns `{'late', Redis time}`. The replica has given up waiting by then and answered the feedback
 * `unavailable`; the prediction stays waiting, so that the feedback sent again is joined.
 */
export const TAKE_SCRIPT = script(`
-- Redis 6 replicates a script that reads TIME only by its effects when asked to; 7 always does.
if redis.replicate_commands then redis.replicate_commands() end
if ARGV[3] ~= '' then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  if now > tonumber(ARGV[3]) then return {'late', tostring(now)} end
end
local key = KEYS[1]
if ARGV[2] ~= '' then
  local id = redis.pcall('GET', key)
  if not id then return {'missing'} end
  if type(id) ~= 'string' then return {'missing', ''} end
  if id == '' then return {'ambiguous'} end
  key = ARGV[2] .. id
end
local value = redis.pcall('GET', key)
if not value then return {'missing'} end
if type(value) ~= 'string' then return {'missing', ''} end
local state = string.sub(value, 1, 1)
local model = redis.pcall('HGET', KEYS[2], string.sub(value, 2, 9))
if type(model) ~= 'string' then model = '' end
if state == 'C' or state == 'R' then return {'answered', value, model} end
if state ~= 'c' and state ~= 'r' then return {'missing', value, model} end
local kind = ARGV[1]
if kind == '' or (state == 'r' and kind ~= 'n') then return {'kept', value, model} end
local flipped = redis.pcall('SETRANGE', key, 0, string.upper(state))
if type(flipped) == 'table' and flipped.err then redis.call('DEL', key) end
return {'taken', value, model}
`);
