#!/usr/bin/env bash
# Runs Analytics on one machine: installs what is missing, builds, starts Azurite (Table
# service only) on a free loopback port unless a storage connection string is given, and
# runs the all-in-one silo (silo + co-hosted HTTP frontend) in the foreground.
#   ./run.sh [--urls URL] [--silos N] [--frontends M] [extra silo arguments]   (also --opt=value)
# With --silos N (N > 1) or --frontends M (M > 0) it starts a local cluster instead: N silo
# processes on Azure Table clustering (silo and gateway ports 11111+i / 30000+i, or from
# Analytics__Cluster__SiloPort / GatewayPort when set; silo HTTP 9100+i with frontends, or from
# ANALYTICS_SILO_HTTP_PORT) and M separate
# frontend processes (Orleans clients); the first frontend (or silo 0 when M = 0) listens on URL,
# the others on the following ports. Logs go to $ANALYTICS_DATA_DIR/logs/.
# Environment: ANALYTICS_DATA_DIR (default ./.data), Analytics__Storage__ConnectionString,
# Analytics__AdminApiKey, ASPNETCORE_URLS (default http://127.0.0.1:8080; --urls wins), and for
# a local cluster Analytics__Cluster__ClusterId (default local), Analytics__Cluster__SiloPort,
# Analytics__Cluster__GatewayPort, ANALYTICS_SILO_HTTP_PORT.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

URLS="${ASPNETCORE_URLS:-http://127.0.0.1:8080}"
SILOS=1
FRONTENDS=0
PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --urls) URLS="${2-}"; shift $(( $# > 1 ? 2 : 1 )) ;;
    --urls=*) URLS="${1#--urls=}"; shift ;;
    --silos) SILOS="${2-}"; shift $(( $# > 1 ? 2 : 1 )) ;;
    --silos=*) SILOS="${1#--silos=}"; shift ;;
    --frontends) FRONTENDS="${2-}"; shift $(( $# > 1 ? 2 : 1 )) ;;
    --frontends=*) FRONTENDS="${1#--frontends=}"; shift ;;
    # The comment block above, to its last line (a fixed line range went stale as it grew).
    -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) PASS+=("$1"); shift ;;
  esac
done
if [ -z "$URLS" ]; then
  echo "run.sh: --urls needs a URL, such as http://127.0.0.1:8080" >&2
  exit 2
fi
# Plain decimals only: a leading zero would make the arithmetic below read the count as octal.
if ! [[ "$SILOS" =~ ^[1-9][0-9]*$ && "$FRONTENDS" =~ ^(0|[1-9][0-9]*)$ ]]; then
  echo "run.sh: --silos takes a number from 1, --frontends a number from 0 (see --help)" >&2
  exit 2
fi

DATA="${ANALYTICS_DATA_DIR:-$ROOT/.data}"
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
export ANALYTICS_DATA_DIR="$DATA"

source "$ROOT/scripts/setup.sh"
ensure_npm
ensure_geoip "$DATA"
echo "Building..."
dotnet build "$ROOT/Silo/Silo.csproj" -c Release -nologo -v q -warnaserror >/dev/null
if [ "$FRONTENDS" -gt 0 ]; then
  dotnet build "$ROOT/Frontend.Host/Frontend.Host.csproj" -c Release -nologo -v q -warnaserror >/dev/null
fi

AZ_PID=""
PIDS=()
cleanup() {
  # Frontends first, then silos (each flushes on SIGTERM), then Azurite (SIGINT saves its file).
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$AZ_PID" ] && kill -0 "$AZ_PID" 2>/dev/null; then
    # Azurite writes its database file on SIGINT (not on SIGTERM).
    kill -INT "$AZ_PID" 2>/dev/null || true
    wait "$AZ_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if [ -z "${Analytics__Storage__ConnectionString:-}" ]; then
  start_azurite "$DATA/azurite" "$DATA/azurite.log"
  export Analytics__Storage__ConnectionString="$AZURITE_CONNECTION"
  echo "Azurite (Table) on 127.0.0.1:$AZURITE_PORT, data in $DATA/azurite"
fi

SILO_DLL="$ROOT/Silo/bin/Release/net10.0/Analytics.Silo.dll"
FRONTEND_DLL="$ROOT/Frontend.Host/bin/Release/net10.0/Analytics.Frontend.Host.dll"

if [ "$SILOS" -le 1 ] && [ "$FRONTENDS" -eq 0 ]; then
  echo "Analytics on $URLS (data in $DATA); Ctrl-C stops it."
  dotnet "$SILO_DLL" --urls "$URLS" "${PASS[@]+"${PASS[@]}"}" &
  SILO_PID=$!
  trap 'kill -TERM "$SILO_PID" 2>/dev/null || true' INT TERM
  set +e
  wait "$SILO_PID"
  STATUS=$?
  # A signal interrupts the first wait; wait again for the silo's clean shutdown.
  while kill -0 "$SILO_PID" 2>/dev/null; do wait "$SILO_PID"; STATUS=$?; done
  exit $STATUS
fi

# Local cluster: one admin key for every process (so they do not each generate one).
if [ -z "${Analytics__AdminApiKey:-}" ]; then
  if [ ! -s "$DATA/admin-api-key" ]; then
    node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))' > "$DATA/admin-api-key"
    chmod 600 "$DATA/admin-api-key"
  fi
  export Analytics__AdminApiKey=$(cat "$DATA/admin-api-key")
fi

if [[ "$URLS" =~ ^(https?://[^:/]+):([0-9]+)$ ]]; then
  BASE="${BASH_REMATCH[1]}"
  PORT="${BASH_REMATCH[2]}"
else
  echo "--urls must look like http://host:port for a local cluster" >&2
  exit 2
fi

mkdir -p "$DATA/logs"
export Analytics__Cluster__Clustering=azuretable
export Analytics__Cluster__AdvertisedAddress=127.0.0.1
export Analytics__Cluster__ClusterId="${Analytics__Cluster__ClusterId:-local}"
# Silo i listens on SiloPort + i and GatewayPort + i (set them to run a second cluster beside this one).
SILO_PORT="${Analytics__Cluster__SiloPort:-11111}"
GATEWAY_PORT="${Analytics__Cluster__GatewayPort:-30000}"
SILO_HTTP_PORT="${ANALYTICS_SILO_HTTP_PORT:-9100}"
rm -f "$DATA"/logs/silo-*.log "$DATA"/logs/frontend-*.log
for i in $(seq 0 $((SILOS - 1))); do
  if [ "$FRONTENDS" -eq 0 ]; then silo_url="$BASE:$((PORT + i))"; else silo_url="http://127.0.0.1:$((SILO_HTTP_PORT + i))"; fi
  Analytics__Cluster__SiloPort=$((SILO_PORT + i)) Analytics__Cluster__GatewayPort=$((GATEWAY_PORT + i)) \
    dotnet "$SILO_DLL" --urls "$silo_url" "${PASS[@]+"${PASS[@]}"}" > "$DATA/logs/silo-$i.log" 2>&1 &
  PIDS+=($!)
  echo "silo $i: HTTP $silo_url, silo port $((SILO_PORT + i)), gateway $((GATEWAY_PORT + i)), log $DATA/logs/silo-$i.log"
done
for j in $(seq 0 $((FRONTENDS - 1))); do
  frontend_url="$BASE:$((PORT + j))"
  dotnet "$FRONTEND_DLL" --urls "$frontend_url" > "$DATA/logs/frontend-$j.log" 2>&1 &
  PIDS+=($!)
  echo "frontend $j: HTTP $frontend_url, log $DATA/logs/frontend-$j.log"
done
echo "Local cluster of $SILOS silo(s) and $FRONTENDS frontend(s); admin api_key in $DATA/admin-api-key; Ctrl-C stops it."
trap 'exit 0' INT TERM
wait -n "${PIDS[@]}" || true
echo "A process exited; stopping the cluster." >&2
exit 1
