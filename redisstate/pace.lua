-- Reserve the next turn on one of several tokens, each paced by the generic
-- cell rate algorithm: one attempt per interval with bursts of up to burst,
-- so no window of the token's length receives more than its allowance,
-- whichever process sends. Times are microseconds of Redis's own clock.
--
-- The ledger also follows the API's current window as the processes report
-- it, so that together they use its whole allowance (the even spread uses
-- 95 %): its end we is the earliest reported (resets are rounded up, so the
-- earliest is closest to the API's end and never before it), wn counts the
-- turns in it (at least the API's count as reported, so other clients and
-- turns this ledger lost are respected). While the window lasts, its
-- allowance left is spread over its time left when that is faster than the
-- even spread (never faster than a fixed rate), and once wn reaches the
-- allowance no turn comes before we. Turns reserved at or after we count
-- in nn, the next window's. A report of a window ending less than a second
-- after the one just over (pe) is of that window, late: it is ignored.
--
-- KEYS: one ledger per token, a hash: tat, iv, burst, hold, mi (the fixed
-- rate's interval), we, pe, al (the allowance), wn, nn.
-- ARGV: maxWait, grow (1: do not reserve a turn that waits), unknown (the
-- interval while nobody knows the allowance), ttl (ms), then per token as
-- the caller learnt them (0: unknown / none): interval, burst, hold,
-- allowed, window left, used (-1: unknown), min interval.
-- Returns {index (0-based), wait, reserved (1/0)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local maxWait = tonumber(ARGV[1])
local grow = ARGV[2] == '1'
local unknown = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local max, fmt = math.max, function(x) return string.format('%d', x) end
local best, bestAt, bestIv, bestTat, bestWe, bestWn, bestNn = 0, 0, 0, 0, 0, 0, 0
for i = 1, #KEYS do
  local b = 4 + (i - 1) * 7
  local iv, burst, hold = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local allowed, left, used, miv = tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5]), tonumber(ARGV[b + 6]), tonumber(ARGV[b + 7])
  local v = redis.call('HMGET', KEYS[i], 'tat', 'iv', 'burst', 'hold', 'mi', 'we', 'pe', 'al', 'wn', 'nn')
  local tat = tonumber(v[1]) or now
  local siv, sb, sh, smi = tonumber(v[2]) or 0, tonumber(v[3]) or 0, tonumber(v[4]) or 0, tonumber(v[5]) or 0
  local we, pe, al, wn, nn = tonumber(v[6]) or 0, tonumber(v[7]) or 0, tonumber(v[8]) or 0, tonumber(v[9]) or 0, tonumber(v[10]) or 0
  local changed = false
  -- What this process learnt is kept when it is more careful: a longer
  -- spacing, a smaller burst, a later hold, a slower fixed rate.
  if iv > siv then siv = iv; changed = true end
  if burst > 0 and (sb == 0 or burst < sb) then sb = burst; changed = true end
  if hold > 0 and now + hold > sh then sh = now + hold; changed = true end
  if miv > smi then smi = miv; changed = true end
  -- The window: over, or reported.
  if we > 0 and now >= we then
    pe, we, al, wn, nn = we, 0, 0, nn, 0
    changed = true
  end
  if left > 0 and (pe == 0 or now + left >= pe + 1000000) then
    if we == 0 or now + left < we then we = now + left; changed = true end
    if allowed > 0 and (al == 0 or allowed < al) then al = allowed; changed = true end
    if used > wn then wn = used; changed = true end
  end
  if changed then
    redis.call('HSET', KEYS[i], 'iv', fmt(siv), 'burst', fmt(sb), 'hold', fmt(sh), 'mi', fmt(smi),
      'we', fmt(we), 'pe', fmt(pe), 'al', fmt(al), 'wn', fmt(wn), 'nn', fmt(nn))
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
  local e = siv
  if e <= 0 then e = unknown end
  local be = sb
  if be < 1 then be = 1 end
  local floor = max(now, sh)
  if we > now and al > 0 then
    local from = max(now, tat)
    if wn >= al then
      floor = max(floor, we)
    elseif we > from then
      local c = math.floor((we - from) / (al - wn))
      if c < e then e = max(c, smi, 1) end
    end
  end
  local at = max(floor, tat - (be - 1) * e)
  if best == 0 or at < bestAt then
    best, bestAt, bestIv, bestTat, bestWe, bestWn, bestNn = i, at, e, tat, we, wn, nn
  end
end
local wait = bestAt - now
if (grow and wait > 0) or wait > maxWait then
  return {best - 1, wait, 0}
end
if bestWe > 0 and bestAt >= bestWe then bestNn = bestNn + 1 else bestWn = bestWn + 1 end
redis.call('HSET', KEYS[best], 'tat', fmt(max(bestTat, bestAt) + bestIv), 'wn', fmt(bestWn), 'nn', fmt(bestNn))
redis.call('PEXPIRE', KEYS[best], ttl)
return {best - 1, wait, 1}
