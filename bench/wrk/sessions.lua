-- wrk script for bench/run.sh: walks pre-generated request lines ("K /i?..." per line, see
-- bench/Load/LineKind.cs), one file per wrk thread. Run wrk with as many threads as
-- connections (-t C -c C): a thread's Lua state then serves exactly one connection, which
-- sends a line only after the previous one was answered, so every device (owned by one
-- connection) has one request in flight at a time, in order. wrk's Lua API cannot tell the
-- connections of one thread apart, so with -c > -t the order of a device could not be kept.
--
-- Environment: BENCH_LINES (folder of conn-NNNN.txt), BENCH_RESULT (JSON written by done()),
-- BENCH_WRAP=1 (start over at the end of the file: for the baseline, which keeps no state),
-- BENCH_MAX_ATTEMPTS (5xx answers before a line is given up, default 1000), BENCH_DONE (folder
-- where a thread whose lines ran out leaves conn-NNNN.done: wrk itself only stops after -d, so
-- run.sh interrupts it once every connection is done).
--
-- Answers: 2xx and 4xx are final (4xx of a malformed line "J"/"M" is expected, of any other
-- line it is counted as unexpected); 5xx and lost connections re-send the same line, as the
-- SDK does (the server recognises the resend by its unchanged timestamp).

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local file, req, kind, host
local wrap = os.getenv("BENCH_WRAP") == "1"
local max_attempts = tonumber(os.getenv("BENCH_MAX_ATTEMPTS") or "1000")
local attempts = 0
local calls = 0
local ping
local MAL_J, MAL_M = string.byte("J"), string.byte("M")

-- Read by done() through thread:get().
cursor, inflight, exhausted = 0, false, false
ok, malformed, malformed4xx, unexpected4xx, status5xx, other = 0, 0, 0, 0, 0, 0
retries, giveups, resends = 0, 0, 0

local function load_next()
  local line = file and file:read("*l")
  if line == nil and wrap and file then
    file:seek("set", 0)
    line = file:read("*l")
  end
  if line == nil then
    exhausted = true
    local done_dir = os.getenv("BENCH_DONE")
    if done_dir and done_dir ~= "" then
      local marker = io.open(string.format("%s/conn-%04d.done", done_dir, id), "w")
      if marker then marker:close() end
    end
    return
  end
  kind = line:byte(1)
  req = "GET " .. line:sub(3) .. " HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
end

function init(args)
  host = wrk.host .. ":" .. wrk.port
  ping = "GET /o/ping HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
  local path = string.format("%s/conn-%04d.txt", os.getenv("BENCH_LINES"), id)
  file = io.open(path, "r")
  if file == nil then
    io.stderr:write("no lines for connection " .. id .. ": " .. path .. "\n")
  end
  load_next()
end

function request()
  if exhausted then
    -- Not normally reached: the thread stops as soon as its lines run out.
    wrk.thread:stop()
    return ping
  end
  calls = calls + 1
  -- wrk calls request() once on thread 0 before the run to inspect it; that is no send.
  if inflight and not (id == 0 and calls == 2) then
    resends = resends + 1
  end
  inflight = true
  return req
end

local function advance()
  cursor = cursor + 1
  attempts = 0
  load_next()
  if exhausted then
    wrk.thread:stop()
  end
end

function response(status, headers, body)
  inflight = false
  local bad = kind == MAL_J or kind == MAL_M
  if bad then
    malformed = malformed + 1
  end
  if status >= 200 and status < 300 then
    ok = ok + 1
    advance()
  elseif status >= 400 and status < 500 then
    if bad then
      malformed4xx = malformed4xx + 1
    else
      unexpected4xx = unexpected4xx + 1
    end
    advance()
  else
    if status >= 500 then
      status5xx = status5xx + 1
    else
      other = other + 1
    end
    attempts = attempts + 1
    if attempts >= max_attempts then
      giveups = giveups + 1
      advance()
    else
      retries = retries + 1
    end
  end
end

function done(summary, latency, requests)
  local sums = { ok = 0, malformed = 0, malformed4xx = 0, unexpected4xx = 0, status5xx = 0, other = 0,
                 retries = 0, giveups = 0, resends = 0 }
  local conns = {}
  for _, t in ipairs(threads) do
    for k, _ in pairs(sums) do
      sums[k] = sums[k] + (t:get(k) or 0)
    end
    conns[t:get("id") + 1] = string.format('{"cursor":%d,"inflight":%s,"exhausted":%s}',
      t:get("cursor") or 0, tostring(t:get("inflight") == true), tostring(t:get("exhausted") == true))
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_RESULT"), "w")
  out:write(string.format(
    '{"driver":"wrk","durationSec":%.3f,"requests":%d,"rps":%.1f,' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f},' ..
    '"ok":%d,"malformed":%d,"malformed4xx":%d,"unexpected4xx":%d,"status5xx":%d,"otherStatus":%d,' ..
    '"retries":%d,"giveUps":%d,"resends":%d,' ..
    '"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"connections":[%s]}\n',
    secs, summary.requests, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean,
    sums.ok, sums.malformed, sums.malformed4xx, sums.unexpected4xx, sums.status5xx, sums.other,
    sums.retries, sums.giveups, sums.resends,
    e.connect, e.read, e.write, e.timeout, table.concat(conns, ",")))
  out:close()
end
