-- wrk script for `afterline bench`: sends the request the runner describes in the
-- environment and prints one JSON line of results that the runner parses.
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local cookie = os.getenv("BENCH_COOKIE") or ""
local csrf = os.getenv("BENCH_CSRF") or ""
-- Several signed-in users (one per line, cookies and CSRF tokens in the same order): each
-- request is sent as a random one of them.
local cookies, csrfs = {}, {}
for line in string.gmatch(os.getenv("BENCH_COOKIES") or "", "[^\n]+") do cookies[#cookies + 1] = line end
for line in string.gmatch(os.getenv("BENCH_CSRFS") or "", "[^\n]+") do csrfs[#csrfs + 1] = line end
local first_day = tonumber(os.getenv("BENCH_FIRST_DAY_EPOCH") or "0")
local day_count = tonumber(os.getenv("BENCH_DAY_COUNT") or "1")
local counter = 0

wrk.method = method
wrk.headers["Cookie"] = cookie
if method ~= "GET" then
  wrk.headers["X-CSRFToken"] = csrf
  wrk.headers["Content-Type"] = "application/json"
end

function setup(thread)
  thread:set("id", tostring(math.random(1, 1000000)))
end

function init(args)
  math.randomseed(os.time() + tonumber(id or "0"))
end

request = function()
  if method ~= "PUT" then
    return wrk.format(nil, path)
  end
  counter = counter + 1
  local headers = nil
  if #cookies > 0 then
    local who = math.random(1, #cookies)
    headers = {
      ["Cookie"] = cookies[who], ["X-CSRFToken"] = csrfs[who], ["Content-Type"] = "application/json",
    }
  end
  local day = os.date("!%Y-%m-%d", first_day + 86400 * math.random(0, day_count - 1))
  local body = string.format(
    '{"pain":%d,"swelling":%d,"bruising":%d,"discolouration":%d,"hardening":%d,"itching":%d,'
      .. '"recorded_at":"%s.%06dZ"}',
    math.random(0, 10), math.random(0, 3), math.random(0, 3), math.random(0, 3),
    math.random(0, 3), math.random(0, 3), os.date("!%Y-%m-%dT%H:%M:%S"), counter % 1000000
  )
  return wrk.format("PUT", path .. day, headers, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,'
      .. '"non_2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout
  ))
end
