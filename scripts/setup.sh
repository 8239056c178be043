#!/usr/bin/env bash
# Prepares a fresh Debian machine: the real Prometheus, promtool, amtool and redis-server that the
# tests and the demo use, Chromium that opens the HTML drift report in the tests (Debian packages),
# then the npm dependencies from the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
prometheus --version 2>&1 | head -n 1

# `npm install --no-save` installs the versions of the lock file without rewriting it, and keeps what an
# earlier run installed. `npm ci` (the stack's Dockerfile uses it) accepts the same lock file, but
# removes node_modules first.
# onnxruntime-node bundles its CPU binaries; its install script would fetch CUDA files from outside the npm
# registry, and fail the install where that is out of reach. The script reads ONNXRUNTIME_NODE_INSTALL (any
# npm); npm 11 also skips it through "allowScripts" of package.json.
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --no-save
