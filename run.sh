#!/usr/bin/env bash
# Runs Analytics on one machine: installs what is missing, builds, starts Azurite (Table
# service only) on a free loopback port unless a storage connection string is given, and
# runs the all-in-one silo (silo + co-hosted HTTP frontend) in the foreground.
#   ./run.sh [--urls URL] [extra silo arguments]
# Environment: ANALYTICS_DATA_DIR (default ./.data), Analytics__Storage__ConnectionString,
# Analytics__AdminApiKey, ASPNETCORE_URLS.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

URLS="${ASPNETCORE_URLS:-http://127.0.0.1:8080}"
PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --urls) URLS="$2"; shift 2 ;;
    --urls=*) URLS="${1#--urls=}"; shift ;;
    *) PASS+=("$1"); shift ;;
  esac
done

DATA="${ANALYTICS_DATA_DIR:-$ROOT/.data}"
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
export ANALYTICS_DATA_DIR="$DATA"

source "$ROOT/scripts/setup.sh"
ensure_npm
ensure_geoip "$DATA"
echo "Building..."
dotnet build "$ROOT/Silo/Silo.csproj" -c Release -nologo -v q -warnaserror >/dev/null

AZ_PID=""
cleanup() {
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

echo "Analytics on $URLS (data in $DATA); Ctrl-C stops it."
dotnet "$ROOT/Silo/bin/Release/net10.0/Analytics.Silo.dll" --urls "$URLS" "${PASS[@]+"${PASS[@]}"}" &
SILO_PID=$!
trap 'kill -TERM "$SILO_PID" 2>/dev/null || true' INT TERM
set +e
wait "$SILO_PID"
STATUS=$?
# A signal interrupts the first wait; wait again for the silo's clean shutdown.
while kill -0 "$SILO_PID" 2>/dev/null; do wait "$SILO_PID"; STATUS=$?; done
exit $STATUS
