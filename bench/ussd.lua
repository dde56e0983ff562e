-- wrk script: every request is one Africa's Talking hop of a two-hop
-- status journey from its own session (dial, then "1"), so the daemon
-- parses a form, finds/creates a session, runs the engine and renders.
counter = 0
request = function()
  counter = counter + 1
  local sid = string.format("bench-%d-%d", math.random(1, 1e9), counter)
  local text = ""
  if counter % 2 == 0 then text = "1" end
  local body = "sessionId=" .. sid .. "&serviceCode=%2A123%23" ..
    "&phoneNumber=%2B256700" .. string.format("%06d", counter % 1000000) ..
    "&networkCode=64110&text=" .. text
  return wrk.format("POST", "/ussd/africastalking",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
