-- wrk script: whole status journeys from the registered demo phone, three
-- hops per session (dial, "1", reference), the last one verifying, reading
-- SQLite, writing the audit row (a durable commit) and rendering the END
-- screen.  Run with one connection per thread (-c = -t) so each session's
-- hops arrive in order on one connection, as a gateway sends them.
local step = 0
local sid = ""
local texts = { "", "1", "1%2A100000000001" }
request = function()
  if step % 3 == 0 then
    sid = string.format("st-%d-%d", math.random(1, 1e9), step)
  end
  local text = texts[(step % 3) + 1]
  step = step + 1
  local body = "sessionId=" .. sid .. "&serviceCode=%2A123%23" ..
    "&phoneNumber=%2B256700000001&networkCode=64110&text=" .. text
  return wrk.format("POST", "/ussd/africastalking",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
response = function(status, headers, body)
  if status ~= 200 then
    error("HTTP " .. status)
  end
end
