-- wrk script for the benchmark: optional JSON bodies from a file (one per line, each thread
-- taking every n-th line from BENCH_OFFSET on, so no body is sent twice), or paths from a file
-- (one per line, taken in turn: a page asked for several people or queries), an Authorization
-- header or a Cookie header (a signed-in page session), and a JSON summary with the latency
-- percentiles the table needs.

local bodies, paths, counter, first = {}, {}, 0, 0
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
local method = os.getenv("BENCH_METHOD") or "GET"
local auth = os.getenv("BENCH_AUTH")
local cookie = os.getenv("BENCH_COOKIE")

local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
end

function init(args)
  local path = os.getenv("BENCH_BODIES")
  if path then
    for line in io.lines(path) do table.insert(bodies, line) end
  end
  local listed = os.getenv("BENCH_PATHS")
  if listed then
    for line in io.lines(listed) do
      if #line > 0 then table.insert(paths, line) end
    end
  end
  if cookie then
    wrk.headers["Cookie"] = cookie
    wrk.headers["Accept"] = "text/html"
  else
    wrk.headers["Content-Type"] = "application/json"
  end
  if auth then wrk.headers["Authorization"] = "Bearer " .. auth end
  first = id
end

function request()
  if #paths > 0 then
    local index = (counter * threads + first) % #paths + 1
    counter = counter + 1
    return wrk.format(method, paths[index])
  end
  if #bodies == 0 then return wrk.format(method, nil) end
  local index = (offset + counter * threads + first) % #bodies + 1
  counter = counter + 1
  return wrk.format(method, nil, nil, bodies[index])
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "per_s": %.2f, "errors": %d, "non_2xx": %d, "p50_ms": %.3f, "p95_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), errors,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
