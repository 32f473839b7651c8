#!/usr/bin/env bash
# The whole test suite from a fresh clone. Each test run starts its own Azurite (and server
# processes) on free loopback ports and stops them.
#   ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Sessions]
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
source "$ROOT/scripts/setup.sh"
ensure_npm
ensure_geoip "$ROOT/.data"
if ! command -v chromium >/dev/null 2>&1 && [ "${ANALYTICS_SKIP_APT:-0}" != "1" ]; then
  echo "Installing Chromium (Debian) for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "warning: could not install chromium" >&2
fi
# The browser tests (test/Analytics.Tests/Browser) drive this Chromium through playwright-core.
if [ -z "${CHROMIUM_PATH:-}" ] && command -v chromium >/dev/null 2>&1; then
  CHROMIUM_PATH=$(command -v chromium)
  export CHROMIUM_PATH
fi
echo "Building (warnings are errors)..."
dotnet build "$ROOT/Analytics.sln" -c Release -nologo -v q -warnaserror
echo "Testing..."
# The console log is long and CI keeps only its tail: on failure, the failed tests' names and
# messages are printed again at the end (from a TRX report of the same run).
RESULTS=$(mktemp -d)
trap 'rm -rf "$RESULTS"' EXIT
status=0
dotnet test "$ROOT/test/Analytics.Tests/Analytics.Tests.csproj" -c Release --no-build -nologo \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=results.trx" --results-directory "$RESULTS" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  python3 "$ROOT/scripts/trx-failures.py" "$RESULTS"/results.trx || true
fi
exit "$status"
