-- wrk script for the closed-loop runs. Arguments after `--`: mode, tokens file, basic credential.
--   noop        GET /noop                      (the baseline: the same server doing nothing)
--   forward     GET /forward-auth/ with the next token of the mix as bearer
--   introspect  POST /oauth2/introspect with the next token of the mix
--   issue       POST /oauth2/token, client_credentials
--   revoke      POST /oauth2/revoke (RFC 7009) with the next token of the mix: every one is a Redis
--               SET of its jti, also when the token was revoked before (a revoke does not read first)
local mode, tokens, basic, i = nil, {}, nil, 0

function init(args)
  mode, basic = args[1], args[3]
  if mode == "forward" or mode == "introspect" or mode == "revoke" then
    for line in io.lines(args[2]) do tokens[#tokens + 1] = line end
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000)
    i = math.random(#tokens)
  end
  if mode == "issue" then
    wrk.method = "POST"
    wrk.path = "/oauth2/token"
    wrk.headers["Authorization"] = "Basic " .. basic
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.body = "grant_type=client_credentials"
  elseif mode == "noop" then
    wrk.path = "/noop"
  end
end

function request()
  if mode == "forward" then
    i = i % #tokens + 1
    return wrk.format("GET", "/forward-auth/", { ["Authorization"] = "Bearer " .. tokens[i] })
  elseif mode == "introspect" or mode == "revoke" then
    i = i % #tokens + 1
    return wrk.format("POST", "/oauth2/" .. mode, {
      ["Authorization"] = "Basic " .. basic,
      ["Content-Type"] = "application/x-www-form-urlencoded" }, "token=" .. tokens[i])
  end
  return wrk.format()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.1f non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
