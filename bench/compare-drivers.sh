#!/usr/bin/env bash
# Measures the ceiling of the two load generators against the Kestrel baseline alone (no
# server, no storage): wrk with bench/wrk/sessions.lua (one thread per connection) and the
# .NET `drive` command, alternately, plus plain wrk on one static request for reference
# (tooling notes §4). The same request lines as bench/run.sh.
#   bench/compare-drivers.sh [--connections "64 256"] [--duration 5] [--repeats 3]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CONNS="64 256" DURATION=5 REPEATS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) CONNS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
source "$ROOT/scripts/setup.sh"
command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
for p in bench/Baseline/Baseline.csproj bench/Load/Load.csproj; do dotnet build "$ROOT/$p" -c Release -nologo -v q -warnaserror >/dev/null; done
LOAD=(dotnet "$ROOT/bench/Load/bin/Release/net10.0/Analytics.Bench.Load.dll")
TMP=$(mktemp -d)
BASE_PID=""
trap '[ -n "$BASE_PID" ] && kill "$BASE_PID" 2>/dev/null; rm -rf "$TMP"' EXIT

# Apps without a server: any 40-hex keys do, the baseline is told which ones exist.
jq -n '{apps: [range(5) as $i | {name: "app\($i)", id: (("0" * 23) + "\($i)"), key: ("k\($i)" + ("0" * 38)), timezone: "Etc/UTC", weight: (if $i == 0 then 0.5 else 0.125 end)}]}' >"$TMP/apps.json"
PORT=$(free_port)
dotnet "$ROOT/bench/Baseline/bin/Release/net10.0/Analytics.Bench.Baseline.dll" --urls "http://127.0.0.1:$PORT" \
  --AppKeys "$(jq -r '[.apps[].key] | join(",")' "$TMP/apps.json")" >"$TMP/baseline.log" 2>&1 &
BASE_PID=$!
wait_port "$PORT" 30
STATIC="http://127.0.0.1:$PORT/i?app_key=$(jq -r '.apps[0].key' "$TMP/apps.json")&device_id=d1&begin_session=1"

printf '%-6s %-4s %12s %12s %12s   %s\n' repeat conn "wrk-static" "wrk-sessions" "dotnet" "load average"
for c in $CONNS; do
  "${LOAD[@]}" gen --apps "$TMP/apps.json" --devices 20000 --connections "$c" --malformed 0.05 --out "$TMP/lines-$c" >/dev/null
done
for i in $(seq 1 "$REPEATS"); do
  for c in $CONNS; do
    s=$(wrk -t2 -c64 -d"${DURATION}s" "$STATIC" | awk '/Requests\/sec/{printf "%d", $2}')
    BENCH_LINES="$TMP/lines-$c" BENCH_WRAP=1 BENCH_RESULT="$TMP/w.json" wrk -t"$c" -c"$c" -d"${DURATION}s" --timeout 30s \
      -s "$ROOT/bench/wrk/sessions.lua" "http://127.0.0.1:$PORT/" >/dev/null
    "${LOAD[@]}" drive --url "http://127.0.0.1:$PORT" --lines "$TMP/lines-$c" --connections "$c" --duration "$DURATION" --wrap --out "$TMP/d.json" >/dev/null
    printf '%-6s %-4s %12s %12.0f %12.0f   %s\n' "$i" "$c" "$s" "$(jq .rps "$TMP/w.json")" "$(jq .rps "$TMP/d.json")" "$(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
