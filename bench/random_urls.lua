-- wrk script: visitors as they really arrive. Each request picks its path at
-- random from the list in URLS_FILE (one path a line, made from the seeded
-- data by bench/run) and, as every browser does, asks for gzip.
local paths = {}
for line in io.lines(os.getenv("URLS_FILE")) do paths[#paths + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
