-- wrk script: staff logging miles concurrently. Each request posts a fresh
-- one-time form key for one of the heroes listed in bench/heroes.txt.
-- The session cookie comes from the COOKIE environment variable.
local heroes = {}
for line in io.lines(os.getenv("HEROES_FILE")) do heroes[#heroes + 1] = line end
local runner = os.getenv("RUNNER_ID")
local cookie = os.getenv("COOKIE")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))

local function uuid()
  return string.format("%08x-%04x-4%03x-%04x-%012x",
    math.random(0, 0xffffffff), math.random(0, 0xffff), math.random(0, 0xfff),
    0x8000 + math.random(0, 0x3fff), math.random(0, 0xffffffffffff))
end

request = function()
  local hero = heroes[math.random(#heroes)]
  local body = "form_key=" .. uuid() .. "&hero_id=" .. hero .. "&runner_id=" .. runner ..
    "&run_date=2026-11-01&place=Bench+track&laps=7&duration=8%3A15&second_mile=on&flag_carried=on"
  return wrk.format("POST", "/staff/miles", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
