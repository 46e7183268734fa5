-- wrk script: every request registers a new deal, with a customer and an Idempotency-Key of its own.
-- wrk -s bench/registration.lua URL -- TAG TOKEN
-- The body is bench/loadgen.py's registration_body_for() (10 x FW-500 at 1,200.00 USD); done() prints
-- one JSON line: requests, statuses, socket errors, and latency percentiles in microseconds.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  tag = args[1] or "wrk"
  local token = args[2]
  n = 0
  statuses = {}
  wrk.method = "POST"
  wrk.path = "/v1/deals"
  wrk.headers["Content-Type"] = "application/json"
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end

local BODY = '{"vendor_id":"acme","customer":{"name":"Bench %s","domain":"b%s.example","country":"US"},'
  .. '"products":[{"sku":"FW-500","quantity":10,"unit_price":"1200.00"}],"currency":"USD",'
  .. '"margin_pct":"25","expected_close_date":"2030-02-15"}'

function request()
  n = n + 1
  local unique = tag .. "t" .. id .. "n" .. n
  -- wrk.format's headers argument replaces wrk.headers (the token too): set the key there instead.
  wrk.headers["Idempotency-Key"] = unique
  return wrk.format(nil, nil, nil, string.format(BODY, unique, unique))
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%s":%d', status, count))
  end
  local pcts = {}
  for _, p in ipairs({ 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9 }) do
    table.insert(pcts, string.format('"%s":%d', tostring(p), latency:percentile(p)))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"statuses":{%s},"errors":{"connect":%d,"read":%d,"write":%d,'
      .. '"status":%d,"timeout":%d},"latency_us":{"min":%d,"max":%d,"mean":%.1f,"stdev":%.1f,"percentiles":{%s}}}\n',
    summary.requests, summary.duration, table.concat(parts, ","), e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.max, latency.mean, latency.stdev, table.concat(pcts, ",")
  ))
end
