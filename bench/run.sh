#!/usr/bin/env bash
# The /i benchmark in one command (see bench/README.md): builds Release, starts Azurite (Table
# service, in memory) and the all-in-one silo on fresh data with an admin key, creates the apps,
# then alternates rounds against the minimal Kestrel baseline and the server (B S B S ...),
# with a dashboard reader and memory/CPU sampling beside every server round, and finally checks
# that what /o reports equals what was sent. Exit status: 0 = exact, 1 = mismatch, 2 = error.
#
#   bench/run.sh [--devices N] [--connections C] [--duration S] [--baseline-duration S]
#                [--rounds R] [--apps A]
#                [--hot-share F] [--malformed F] [--window W] [--driver wrk|dotnet]
#                [--warmup S] [--dashboard-rate R] [--counters] [--keep-lines] [--out DIR]
#                [--frontend-tier] [--gc-events] [--rate R]
#
# Defaults: 100,000 devices per round, 256 connections, 30 s, 2 rounds after a 5 s warm-up of
# both targets, 5 apps (50% hot), 5% malformed requests, wrk. Short runs while the machine is
# shared, e.g.:
#   bench/run.sh --devices 10000 --duration 10
# A million devices through the server (the baseline rounds need not be as long):
#   bench/run.sh --devices 1000000 --rounds 1 --duration 1800 --baseline-duration 30
# --frontend-tier: the load goes to a separate frontend process (Frontend.Host, an Orleans
# client) in front of the silo, so every device-grain call crosses processes; "server" figures
# are the silo's, the frontend's CPU is listed as "frontend".
# --gc-events: the silo's own GC events (every collection's pause, what it promoted and how that
# was reached) over the middle of each server round, into gc-events.txt and the report.
# --rate R (with --driver dotnet): open-loop load, R requests a second offered to each target,
# latency counted from when each request was due: the latency at a given load rather than the
# most a target can serve (the ratio then compares two offered rates, not capacities).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DEVICES=100000 CONNECTIONS=256 DURATION=30 ROUNDS=2 APPS=5 HOT=0.5 MALFORMED=0.05 WINDOW=8
DRIVER=wrk DASH_RATE=5 COUNTERS=0 KEEP=0 OUT="" WARMUP=20 BASE_DURATION="" FRONTEND_TIER=0 GC_EVENTS=0 RATE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) DEVICES="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --baseline-duration) BASE_DURATION="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --apps) APPS="$2"; shift 2 ;;
    --hot-share) HOT="$2"; shift 2 ;;
    --malformed) MALFORMED="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --driver) DRIVER="$2"; shift 2 ;;
    --dashboard-rate) DASH_RATE="$2"; shift 2 ;;
    --counters) COUNTERS=1; shift ;;
    --keep-lines) KEEP=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --frontend-tier) FRONTEND_TIER=1; shift ;;
    --gc-events) GC_EVENTS=1; shift ;;
    --rate) RATE="$2"; shift 2 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$DEVICES" -gt 1000000 ] || [ "$DEVICES" -lt 1 ]; then echo "--devices must be 1..1000000" >&2; exit 2; fi
case "$DRIVER" in wrk|dotnet) ;; *) echo "--driver must be wrk or dotnet" >&2; exit 2 ;; esac
if ! [[ "$RATE" =~ ^[0-9]+$ ]]; then echo "--rate must be a whole number of requests a second" >&2; exit 2; fi
if [ "$RATE" -gt 0 ] && [ "$DRIVER" != dotnet ]; then echo "--rate needs --driver dotnet (wrk has no fixed-rate mode)" >&2; exit 2; fi

source "$ROOT/scripts/setup.sh"
if [ "$DRIVER" = wrk ] && ! command -v wrk >/dev/null 2>&1; then
  echo "Installing wrk (Debian)..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) || { echo "could not install wrk" >&2; exit 2; }
fi
for tool in curl jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null) || { echo "could not install $tool" >&2; exit 2; }
  fi
done
ensure_npm
ensure_geoip "$ROOT/.data"

OUT="${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
echo "Results in $OUT"

echo "Building Release (warnings are errors)..."
for p in Silo/Silo.csproj Frontend.Host/Frontend.Host.csproj bench/Baseline/Baseline.csproj bench/Load/Load.csproj; do
  dotnet build "$ROOT/$p" -c Release -nologo -v q -warnaserror >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 2; }
done
LOAD=(dotnet "$ROOT/bench/Load/bin/Release/net10.0/Analytics.Bench.Load.dll")

if [ "$COUNTERS" = 1 ] && [ ! -x "$ROOT/bench/.tools/dotnet-counters" ]; then
  echo "Installing dotnet-counters into bench/.tools..."
  dotnet tool install --tool-path "$ROOT/bench/.tools" dotnet-counters --version 10.0.750501 >/dev/null
fi

AZ_PID="" SERVER_PID="" FRONT_PID="" BASE_PID="" MON_PID="" LOAD_PID="" COUNTERS_PID="" GC_PID=""
cleanup() {
  for p in "$LOAD_PID" "$MON_PID" "$COUNTERS_PID" "$GC_PID" "$BASE_PID" "$FRONT_PID"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$AZ_PID" ] && kill -0 "$AZ_PID" 2>/dev/null; then kill -INT "$AZ_PID" 2>/dev/null || true; wait "$AZ_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# Azurite, Table service only, in memory (--inMemoryPersistence cannot be combined with --location).
AZ_PORT=$(free_port)
mkdir -p "$OUT/azurite"
(cd "$OUT/azurite" && exec node "$ROOT/node_modules/azurite/dist/src/table/main.js" --tableHost 127.0.0.1 --tablePort "$AZ_PORT" \
  --inMemoryPersistence --disableTelemetry --silent --skipApiVersionCheck --loose) >"$OUT/azurite.log" 2>&1 &
AZ_PID=$!
wait_port "$AZ_PORT" 30

# The server on fresh data: a table prefix of its own and a known admin key.
SERVER_PORT=$(free_port)
SERVER="http://127.0.0.1:$SERVER_PORT"
ADMIN_KEY=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
PREFIX="bench$(date +%s)"
# Started in its output folder, as in the container image (WORKDIR /app): ASP.NET Core reads
# appsettings.json from the working directory, so started elsewhere the silo would run without
# Silo/appsettings.json (log levels among others) and log every request.
export Analytics__Storage__ConnectionString="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$AZ_PORT/devstoreaccount1;"
export Analytics__Storage__TablePrefix="$PREFIX" Analytics__AdminApiKey="$ADMIN_KEY" ANALYTICS_DATA_DIR="$OUT/data"
if [ "$FRONTEND_TIER" = 1 ]; then
  export Analytics__Cluster__Clustering=azuretable Analytics__Cluster__AdvertisedAddress=127.0.0.1 Analytics__Cluster__ClusterId="bench-$PREFIX"
  SILO_ENV=(Analytics__Cluster__SiloPort="$(free_port)" Analytics__Cluster__GatewayPort="$(free_port)")
else
  SILO_ENV=()
fi
(cd "$ROOT/Silo/bin/Release/net10.0" && exec env "${SILO_ENV[@]+"${SILO_ENV[@]}"}" dotnet Analytics.Silo.dll --urls "$SERVER") >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
# $1 = URL, $2 = pid, $3 = log
wait_ping() {
  for i in $(seq 1 600); do
    if curl -sf "$1/o/ping" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null || [ "$i" = 600 ]; then echo "$1 did not start; see $3" >&2; tail -20 "$3" >&2; exit 2; fi
    sleep 0.1
  done
}
wait_ping "$SERVER" "$SERVER_PID" "$OUT/server.log"
# Where the load and the dashboard reads go: the silo, or the separate frontend in front of it.
TARGET="$SERVER"
PIDS_EXTRA=()
if [ "$FRONTEND_TIER" = 1 ]; then
  TARGET="http://127.0.0.1:$(free_port)"
  (cd "$ROOT/Frontend.Host/bin/Release/net10.0" && exec dotnet Analytics.Frontend.Host.dll --urls "$TARGET") >"$OUT/frontend.log" 2>&1 &
  FRONT_PID=$!
  wait_ping "$TARGET" "$FRONT_PID" "$OUT/frontend.log"
  PIDS_EXTRA=(--pid "frontend=$FRONT_PID")
fi
"${LOAD[@]}" setup --url "$TARGET" --api-key "$ADMIN_KEY" --apps "$APPS" --hot-share "$HOT" --out "$OUT/apps.json"
HOT_APP=$(jq -r '.apps[0].id' "$OUT/apps.json")

BASE_PORT=$(free_port)
BASELINE="http://127.0.0.1:$BASE_PORT"
dotnet "$ROOT/bench/Baseline/bin/Release/net10.0/Analytics.Bench.Baseline.dll" --urls "$BASELINE" \
  --AppKeys "$(jq -r '[.apps[].key] | join(",")' "$OUT/apps.json")" >"$OUT/baseline.log" 2>&1 &
BASE_PID=$!
wait_port "$BASE_PORT" 30

cat >"$OUT/config.json" <<JSON
{"devices": $DEVICES, "connections": $CONNECTIONS, "duration": $DURATION, "rounds": $ROUNDS, "apps": $APPS,
 "hotShare": $HOT, "malformed": $MALFORMED, "window": $WINDOW, "warmup": $WARMUP, "driver": "$DRIVER", "rate": $RATE, "dashboardRate": $DASH_RATE,
 "commit": "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)",
 "machine": "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, load average at start $(cut -d' ' -f1-3 /proc/loadavg)",
 "startedAt": "$(date -u +%FT%TZ)"}
JSON

# Runs the load of one round against $1 (URL), lines in $2, result to $3; $4 = 1 to wrap around.
run_load() {
  local url="$1" lines="$2" result="$3" wrap="$4"
  if [ "$DRIVER" = wrk ]; then
    # One thread per connection: see bench/wrk/sessions.lua for why.
    local done_dir="${result%.json}.done"
    rm -rf "$done_dir"; mkdir -p "$done_dir"
    BENCH_LINES="$lines" BENCH_RESULT="$result" BENCH_WRAP="$wrap" BENCH_DONE="$done_dir" \
      wrk -t "$CONNECTIONS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 30s -s "$ROOT/bench/wrk/sessions.lua" "$url/" >"${result%.json}.wrk.txt" 2>&1 &
    local wrk_pid=$!
    # wrk sleeps for the whole -d even when every connection has sent all its lines: once they
    # all have, interrupt it (SIGINT ends a wrk run normally, with its summary and done()).
    ( while kill -0 "$wrk_pid" 2>/dev/null; do
        if [ "$(find "$done_dir" -name '*.done' | wc -l)" -ge "$CONNECTIONS" ]; then kill -INT "$wrk_pid" 2>/dev/null; break; fi
        sleep 1
      done ) &
  else
    local w=(); [ "$wrap" = 1 ] && w=(--wrap)
    [ "$RATE" -gt 0 ] && w+=(--rate "$RATE")
    "${LOAD[@]}" drive --url "$url" --lines "$lines" --connections "$CONNECTIONS" --duration "$DURATION" "${w[@]}" --out "$result" >"${result%.json}.drive.txt" 2>&1 &
  fi
  LOAD_PID=${wrk_pid:-$!}
  echo "$LOAD_PID" >"$OUT/load.pid"
  wait "$LOAD_PID"
  LOAD_PID=""
}

EXPECTED=()
# Warm-up (JIT, grain types, connection pools) with devices of its own (round 0). Not part of
# the figures, but of the exactness check: its requests were applied too.
if [ "$WARMUP" -gt 0 ]; then
  WD="$OUT/warmup"
  mkdir -p "$WD"
  "${LOAD[@]}" gen --apps "$OUT/apps.json" --devices "$(( DEVICES < 20000 ? DEVICES : 20000 ))" --connections "$CONNECTIONS" \
    --window "$WINDOW" --round 0 --malformed "$MALFORMED" --out "$WD/lines" >/dev/null
  echo "Warm-up: ${WARMUP} s on each target..."
  SAVED_DURATION=$DURATION DURATION=$WARMUP
  run_load "$BASELINE" "$WD/lines" "$WD/baseline.json" 1
  # The dashboard reads run in the warm-up too, so that the server's read path is compiled
  # before round 1 measures it (without this, round 1's first reads paid for the JIT).
  rm -f "$OUT/load.pid" "$WD/load.finished"
  "${LOAD[@]}" monitor --url "$TARGET" --metrics-url "$SERVER" --api-key "$ADMIN_KEY" --app-id "$HOT_APP" --duration "$WARMUP" --rate "$DASH_RATE" --stop-file "$WD/load.finished" \
    --pid "server=$SERVER_PID" "${PIDS_EXTRA[@]+"${PIDS_EXTRA[@]}"}" --out "$WD/monitor.json" >/dev/null 2>&1 &
  MON_PID=$!
  run_load "$TARGET" "$WD/lines" "$WD/server.json" 0
  touch "$WD/load.finished"
  wait "$MON_PID" || true
  MON_PID=""
  DURATION=$SAVED_DURATION
  [ "$DRIVER" = wrk ] && "${LOAD[@]}" finish --url "$TARGET" --lines "$WD/lines" --result "$WD/server.json" >/dev/null
  "${LOAD[@]}" tally --apps "$OUT/apps.json" --lines "$WD/lines" --result "$WD/server.json" --out "$WD/expected.json" >/dev/null
  EXPECTED+=(--expected "$WD/expected.json")
  [ "$KEEP" = 1 ] || rm -rf "$WD/lines"
fi

curl -sf "$SERVER/metrics" >"$OUT/metrics-start.txt"
for r in $(seq 1 "$ROUNDS"); do
  RD="$OUT/round-$r"
  mkdir -p "$RD"
  "${LOAD[@]}" gen --apps "$OUT/apps.json" --devices "$DEVICES" --connections "$CONNECTIONS" --window "$WINDOW" \
    --round "$r" --malformed "$MALFORMED" --out "$RD/lines" >/dev/null
  cp "$RD/lines/plan.json" "$RD/plan.json"

  echo "Round $r/$ROUNDS: baseline, ${BASE_DURATION:-$DURATION} s..."
  SAVED_DURATION=$DURATION DURATION=${BASE_DURATION:-$DURATION}
  # The same monitor as in the server rounds (its process sampling and its dashboard reads, which
  # the baseline answers with 404): both targets share the box with the same measuring tools,
  # and the report gets the baseline's CPU per request (bench/README.md, "What the report means").
  rm -f "$OUT/load.pid" "$RD/baseline.finished"
  "${LOAD[@]}" monitor --url "$BASELINE" --api-key "$ADMIN_KEY" --app-id "$HOT_APP" --duration "$DURATION" --rate "$DASH_RATE" --stop-file "$RD/baseline.finished" \
    --pid "server=$BASE_PID" --pid "silo=$SERVER_PID" "${PIDS_EXTRA[@]+"${PIDS_EXTRA[@]}"}" --pid "azurite=$AZ_PID" --pid "load=@$OUT/load.pid" --out "$RD/baseline-monitor.json" &
  MON_PID=$!
  run_load "$BASELINE" "$RD/lines" "$RD/baseline.json" 1
  touch "$RD/baseline.finished"
  wait "$MON_PID" || true
  MON_PID=""
  DURATION=$SAVED_DURATION
  echo "  baseline: $(jq -r '"\(.rps|floor) req/s, p99 \(.latencyUs.p99/1000) ms"' "$RD/baseline.json")"

  echo "Round $r/$ROUNDS: server, ${DURATION} s..."
  curl -sf "$SERVER/metrics" >"$RD/metrics-before.txt"
  rm -f "$OUT/load.pid" "$RD/load.finished"
  "${LOAD[@]}" monitor --url "$TARGET" --metrics-url "$SERVER" --api-key "$ADMIN_KEY" --app-id "$HOT_APP" --duration "$DURATION" --rate "$DASH_RATE" --stop-file "$RD/load.finished" \
    --pid "server=$SERVER_PID" "${PIDS_EXTRA[@]+"${PIDS_EXTRA[@]}"}" --pid "azurite=$AZ_PID" --pid "baseline=$BASE_PID" --pid "load=@$OUT/load.pid" --out "$RD/monitor.json" &
  MON_PID=$!
  if [ "$COUNTERS" = 1 ]; then
    timeout $((DURATION + 30)) "$ROOT/bench/.tools/dotnet-counters" collect -p "$SERVER_PID" --refresh-interval 1 --format csv \
      -o "$RD/counters.csv" --duration "$(printf '%02d:%02d:%02d' $((DURATION / 3600)) $((DURATION % 3600 / 60)) $((DURATION % 60)))" \
      --counters System.Runtime,Microsoft.AspNetCore.Hosting,Microsoft.Orleans >"$RD/counters.log" 2>&1 </dev/null &
    COUNTERS_PID=$!
  fi
  if [ "$GC_EVENTS" = 1 ]; then
    # From 5 s in to 5 s before the end (docs/performance.md, "What a pause is made of").
    GC_DELAY=$(( DURATION > 15 ? 5 : 1 ))
    "${LOAD[@]}" gcevents --pid "$SERVER_PID" --delay "$GC_DELAY" --seconds $(( DURATION > 15 ? DURATION - 10 : (DURATION + 1) / 2 )) \
      --out "$RD/gc-events.txt" --json "$RD/gc-events.json" >/dev/null 2>&1 &
    GC_PID=$!
  fi
  run_load "$TARGET" "$RD/lines" "$RD/server.json" 0
  touch "$RD/load.finished"
  wait "$MON_PID" || true
  MON_PID=""
  if [ -n "$COUNTERS_PID" ]; then wait "$COUNTERS_PID" || true; COUNTERS_PID=""; fi
  if [ -n "$GC_PID" ]; then wait "$GC_PID" || true; GC_PID=""; fi
  curl -sf "$SERVER/metrics" >"$RD/metrics-after.txt"
  [ "$DRIVER" = wrk ] && "${LOAD[@]}" finish --url "$TARGET" --lines "$RD/lines" --result "$RD/server.json"
  "${LOAD[@]}" tally --apps "$OUT/apps.json" --lines "$RD/lines" --result "$RD/server.json" --out "$RD/expected.json"
  EXPECTED+=(--expected "$RD/expected.json")
  echo "  server: $(jq -r '"\(.rps|floor) req/s, p99 \(.latencyUs.p99/1000) ms, 5xx \(.status5xx)"' "$RD/server.json")"
  [ "$KEEP" = 1 ] || rm -rf "$RD/lines"
done

# Wait until everything the load left in memory is written where it belongs (counter documents,
# device pages) and the journal is trimmed, so the transactions figure includes the whole flush
# the load caused, whatever the checkpoint intervals are.
metric_sum() { awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { print s + 0 }' "$2"; }
SETTLE_START=$(date +%s)
while :; do
  curl -sf "$SERVER/metrics" >"$OUT/metrics-settle.txt" || true
  if [ "$(metric_sum analytics_journal_pending "$OUT/metrics-settle.txt")" = 0 ] && \
     [ "$(metric_sum analytics_journal_untrimmed "$OUT/metrics-settle.txt")" = 0 ]; then break; fi
  if [ $(( $(date +%s) - SETTLE_START )) -ge 300 ]; then echo "warning: the journal was not trimmed within 300 s" >&2; break; fi
  sleep 1
done
echo "Settled: everything written and the journal trimmed $(( $(date +%s) - SETTLE_START )) s after the load"
curl -sf "$SERVER/metrics" >"$OUT/metrics-final.txt"

set +e
"${LOAD[@]}" verify --url "$SERVER" --api-key "$ADMIN_KEY" --apps "$OUT/apps.json" "${EXPECTED[@]}" --timeout 60 --out "$OUT/verify.json" >"$OUT/verify.txt"
VERIFY=$?
set -e
tail -n 3 "$OUT/verify.txt" | grep -E "EXACT|MISMATCH" -A3 || true
echo
"${LOAD[@]}" report --dir "$OUT"
exit $VERIFY
