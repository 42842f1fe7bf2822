-- wrk script for bench/http/run.sh: one scenario (a route of one service) per wrk run.
-- Settings from the environment:
--   BENCH_METHOD GET|POST, BENCH_PATH (path after the prefix), BENCH_BODY (POST body; may be empty),
--   BENCH_PREFIX /api or /raw, BENCH_TOKEN (bearer token),
--   BENCH_TOKENS (optional file, one token a line): the requests take its tokens in turn instead of BENCH_TOKEN,
--   BENCH_IDS (file, one id a line): "{id}" in the path and body is one id drawn at random per request,
--   BENCH_POOL (optional file, one id a line) and BENCH_OFFSET: "{next}" is the next unused id of the
--     pool (each thread takes every BENCH_THREADS-th one from BENCH_OFFSET on, so no id is used twice);
--     without a pool, "{next}" is a fresh random UUID,
--   BENCH_THREADS (wrk threads), BENCH_SEED (random seed of this run),
--   BENCH_RATE (0 = saturation; else target req/s over all connections, paced with delay()),
--   BENCH_CONNS (connections, for the pacing).
-- Prints one line: RESULT rps= p50= p99= non2xx= errors= requests= used= (used = pool ids consumed).
local method = os.getenv("BENCH_METHOD") or "GET"
local path = (os.getenv("BENCH_PREFIX") or "/api") .. (os.getenv("BENCH_PATH") or "/health")
local body = os.getenv("BENCH_BODY") or ""
local token = os.getenv("BENCH_TOKEN") or ""
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local conns = tonumber(os.getenv("BENCH_CONNS") or "32")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
local seed = tonumber(os.getenv("BENCH_SEED") or "0")
if body == "" then body = nil end

local function lines(file)
  local t = {}
  if file and file ~= "" then for line in io.lines(file) do if line ~= "" then t[#t + 1] = line end end end
  return t
end

local tokens = lines(os.getenv("BENCH_TOKENS"))
local templated = path:find("{", 1, true) or (body and body:find("{id}", 1, true)) or (body and body:find("{next}", 1, true))
  or #tokens > 0
local ids = templated and lines(os.getenv("BENCH_IDS")) or {}
local pool = templated and lines(os.getenv("BENCH_POOL")) or {}

wrk.method = method
wrk.headers["Authorization"] = "Bearer " .. token
if body then wrk.headers["Content-Type"] = "application/json" end
local fixed -- the request of a path without placeholders, built once wrk has set the Host header

-- Main state: number the threads, and collect them to report how much of the pool they used.
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

function init(args)
  tid = tid or 1
  k = 0
  n = 0
  math.randomseed(seed * 64 + tid)
  fixed = wrk.format(method, path, wrk.headers, body)
end

local function uuid()
  local r = math.random
  return string.format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
    r(0, 0xffff), r(0, 0xffff), r(0, 0xffff), r(0, 0xfff), r(0x8000, 0xbfff), r(0, 0xffff), r(0, 0xffff), r(0, 0xffff))
end

local function next_id()
  if #pool == 0 then return uuid() end
  local i = offset + k * nthreads + tid
  -- An exhausted pool gives an id that exists nowhere: the service answers 404, counted as non-2xx.
  return pool[i] or uuid()
end

request = function()
  if not templated then return fixed end
  local id = #ids > 0 and ids[math.random(#ids)] or ""
  local nxt
  local function fill(s)
    if not s then return nil end
    s = s:gsub("{id}", id)
    if s:find("{next}", 1, true) then
      nxt = nxt or next_id()
      s = s:gsub("{next}", nxt)
    end
    return s
  end
  if #tokens > 0 then
    -- In turn over all threads, so that concurrent requests come from different users.
    wrk.headers["Authorization"] = "Bearer " .. tokens[(n * nthreads + tid - 1) % #tokens + 1]
    n = n + 1
  end
  local req = wrk.format(method, fill(path), wrk.headers, fill(body))
  if nxt then k = k + 1 end
  return req
end

if rate > 0 then
  -- Each connection waits conns/rate seconds between a response and its next request; the
  -- fraction of a millisecond is dithered so the mean pause is exact. Achieved rate is reported.
  local pause = conns * 1000 / rate
  delay = function() return math.floor(pause + math.random()) end
end

done = function(summary, latency, requests)
  local used = 0
  for _, t in ipairs(threads) do
    local n = tonumber(t:get("k")) or 0
    if n * nthreads > used then used = n * nthreads end
  end
  io.write(string.format("RESULT rps=%.1f p50=%.3f p99=%.3f non2xx=%d errors=%d requests=%d used=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests, used))
end
