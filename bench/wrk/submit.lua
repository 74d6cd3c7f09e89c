-- Comment submissions for wrk, one different comment per request, read from a file
-- that bench/driver.py prepares: one line per request, "METHOD<TAB>PATH<TAB>BODY".
-- Each line also says which client address it comes from (X-Forwarded-For, which
-- Townhall reads with `trust_proxy`), so the volume rules see many readers, as they
-- would behind a reverse proxy. Arguments: the file, the content type, the Cookie header.
local lines = {}
local n, stride = 0, 1
local content_type, cookie

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads - 1)
end

function init(args)
  for line in io.lines(args[1]) do
    table.insert(lines, line)
  end
  content_type = args[2]
  cookie = args[3] or ""
  stride = tonumber(args[4] or "1")
  n = tid
end

function request()
  local line = lines[(n % #lines) + 1]
  n = n + stride
  local method, path, addr, body = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)")
  local headers = { ["Content-Type"] = content_type, ["X-Forwarded-For"] = addr }
  if cookie ~= "" then
    headers["Cookie"] = cookie
  end
  return wrk.format(method, path, headers, body)
end

dofile(os.getenv("BENCH_REPORT_LUA"))
