-- wrk script: the full status answer for the registered demo phone in one
-- hop (a gateway re-sending the whole history with a fresh session id, as
-- after a restart), so each request verifies, reads SQLite, audits
-- (a durable write) and renders the END screen.
counter = 0
request = function()
  counter = counter + 1
  local sid = string.format("st-%d-%d", math.random(1, 1e9), counter)
  local body = "sessionId=" .. sid .. "&serviceCode=%2A123%23" ..
    "&phoneNumber=%2B256700000001&networkCode=64110&text=1%2A100000000001"
  return wrk.format("POST", "/ussd/africastalking",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
