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
dotnet test "$ROOT/test/Analytics.Tests/Analytics.Tests.csproj" -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
