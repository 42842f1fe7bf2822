-- wrk script for bench/http/run.sh. Settings from the environment:
--   BENCH_MODE get|list|create, BENCH_PREFIX /api or /raw, BENCH_TOKEN (bearer token),
--   BENCH_IDS (file of donation ids, one a line), BENCH_RATE (0 = saturation; else target req/s
--   over all connections, paced with delay()), BENCH_CONNS (connections, for the pacing).
local mode = os.getenv("BENCH_MODE") or "get"
local prefix = os.getenv("BENCH_PREFIX") or "/api"
local token = os.getenv("BENCH_TOKEN") or ""
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local conns = tonumber(os.getenv("BENCH_CONNS") or "32")
local ids = {}
local idfile = os.getenv("BENCH_IDS")
if idfile then for line in io.lines(idfile) do ids[#ids + 1] = line end end
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
wrk.headers["Authorization"] = "Bearer " .. token
if mode == "create" then wrk.headers["Content-Type"] = "application/json" end
local body = '{"title":"Winter coat","description":"Warm, size M, barely worn","category":"clothing","location":"Berlin"}'

request = function()
  if mode == "get" then
    return wrk.format("GET", prefix .. "/donations/" .. ids[math.random(#ids)])
  elseif mode == "list" then
    return wrk.format("GET", prefix .. "/donations?status=available&limit=20")
  else
    return wrk.format("POST", prefix .. "/donations", wrk.headers, body)
  end
end

if rate > 0 then
  -- Each connection waits conns/rate seconds between a response and its next request; the
  -- fraction of a millisecond is dithered so the mean pause is exact. Achieved rate is reported.
  local pause = conns * 1000 / rate
  delay = function() return math.floor(pause + math.random()) end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.3f p99=%.3f non2xx=%d errors=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests))
end
