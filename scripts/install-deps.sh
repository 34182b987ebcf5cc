#!/usr/bin/env bash
# Installs every Debian package crmsync needs to build and test, and the Node
# packages of the conformance suites (npm ci). Idempotent; silent when all is
# already present.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake pkg-config clang libclang-rt-14-dev
  libcurl4-openssl-dev libjansson-dev libsqlite3-dev libmicrohttpd-dev
  libfyaml-dev libcriterion-dev libpq-dev libcsv-dev libgnutls28-dev sqlite3 curl
  publicsuffix)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Node.js may come from another repository (it bundles npm there): only ask
# Debian for it when the commands are absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# Node test tools (official SDKs), pinned by package-lock.json.
if ! node -e 'require("@hubspot/api-client"); require("jsforce")' >/dev/null 2>&1; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
