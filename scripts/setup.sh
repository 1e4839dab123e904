#!/usr/bin/env bash
# npm run setup: installs the system packages the app and its tests need (Debian/Ubuntu, apt-get),
# then the npm packages, then Electron's binary where the network allows it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }

# --- system packages: socat (pseudo-terminals), Chromium (end-to-end UI tests), Prometheus (metrics rules),
# mmdebstrap (the Debian root of npm run check:package)
missing=()
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    say "missing ${missing[*]}, and this user is not root and has no sudo: install them with apt-get as root, then run again" >&2
    exit 1
  fi
  say "installing ${missing[*]} with apt-get"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- npm packages, without Electron's binary: its download must not decide whether setup works.
if [ -f package-lock.json ] && [ "${CI:-}" = true ]; then
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci
else
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install
fi

# --- Electron's binary: fetched where the network allows; without it `npm start` opens browser mode.
installer=node_modules/electron/install.js
if [ -n "${ELECTRON_SKIP_BINARY_DOWNLOAD:-}" ]; then
  say "ELECTRON_SKIP_BINARY_DOWNLOAD is set: Electron's binary not fetched; npm start will open browser mode"
elif [ -f "$installer" ]; then
  log="$(mktemp)"
  if timeout "${SETUP_ELECTRON_TIMEOUT:-120}" node "$installer" >"$log" 2>&1; then
    rm -f "$log"
  else
    reason="$(grep -m1 -oE 'ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|[0-9]{3} [A-Z][a-z]+' "$log" || true)"
    rm -f "$log"
    say "Electron's binary could not be downloaded (${reason:-no network or timed out}): npm start will open browser mode"
  fi
fi
say "done"
