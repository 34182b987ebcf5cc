#!/usr/bin/env bash
# Sandbox throughput: batch-create and read back N records through each API
# (default 100,000), the ceiling the sync engine is measured against.
# Usage: bench/sandbox.sh [N]   (default 100,000; builds the release binary
#        via make, or uses $CRMSYNC_BIN)
# Appends a dated section to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
if [ -z "${CRMSYNC_BIN:-}" ]; then
  make -s build >/dev/null
  export CRMSYNC_BIN=$PWD/build/crmsync
fi
node bench/sandbox.mjs "$N" | tee /tmp/crmsync-bench-sandbox.txt
{
  echo
  echo "## sandbox throughput, N=$N — $(date -u +%Y-%m-%d)"
  echo
  echo "Command: \`bench/sandbox.sh $N\` on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -m), release build."
  echo
  cat /tmp/crmsync-bench-sandbox.txt
} >>bench/RESULTS.md
