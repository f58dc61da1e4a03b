-- Reserve the next turn on one of several tokens, each paced by the generic
-- cell rate algorithm: one attempt per interval with bursts of up to burst,
-- so no window of the token's length receives more than its allowance,
-- whichever process sends. Times are microseconds of Redis's own clock.
--
-- KEYS: one ledger (a hash: tat, iv, burst, hold) per token.
-- ARGV: maxWait, grow (1: do not reserve a turn that waits), unknown (the
-- interval while nobody knows the allowance), ttl (ms), then per token:
-- interval, burst and hold as the caller learnt them (0: unknown / none).
-- Returns {index (0-based), wait, reserved (1/0)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local maxWait = tonumber(ARGV[1])
local grow = ARGV[2] == '1'
local unknown = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local best, bestAt, bestTat, bestIv = 0, 0, 0, 0
for i = 1, #KEYS do
  local b = 4 + (i - 1) * 3
  local iv, burst, hold = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local v = redis.call('HMGET', KEYS[i], 'tat', 'iv', 'burst', 'hold')
  local tat = tonumber(v[1]) or now
  local siv, sb, sh = tonumber(v[2]) or 0, tonumber(v[3]) or 0, tonumber(v[4]) or 0
  local changed = false
  -- What this process learnt is kept when it is more careful: a longer
  -- spacing, a smaller burst, a later hold.
  if iv > siv then siv = iv; changed = true end
  if burst > 0 and (sb == 0 or burst < sb) then sb = burst; changed = true end
  if hold > 0 and now + hold > sh then sh = now + hold; changed = true end
  if changed then
    redis.call('HSET', KEYS[i], 'iv', string.format('%d', siv), 'burst', string.format('%d', sb), 'hold', string.format('%d', sh))
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
  local e = siv
  if e <= 0 then e = unknown end
  local be = sb
  if be < 1 then be = 1 end
  local at = math.max(now, sh, tat - (be - 1) * e)
  if best == 0 or at < bestAt then best, bestAt, bestTat, bestIv = i, at, tat, e end
end
local wait = bestAt - now
if (grow and wait > 0) or wait > maxWait then
  return {best - 1, wait, 0}
end
redis.call('HSET', KEYS[best], 'tat', string.format('%d', math.max(bestTat, bestAt) + bestIv))
redis.call('PEXPIRE', KEYS[best], ttl)
return {best - 1, wait, 1}
