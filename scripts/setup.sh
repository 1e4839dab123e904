#!/usr/bin/env bash
# Installs what the app and its tests need on a Debian/Ubuntu machine, then the npm packages.
# Safe to run again. Nothing here downloads a browser or an Electron binary.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v socat >/dev/null 2>&1 || missing+=(socat)
if [ "${SETUP_WITH_CHROMIUM:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# The Electron binary is fetched only where the network allows it; everything else works without it.
if [ -f package-lock.json ] && [ "${CI:-}" = true ]; then npm ci; else npm install; fi
