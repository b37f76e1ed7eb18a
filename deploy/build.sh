#!/usr/bin/env bash
# Configures and builds everything into build/ (ctid and ctictl land in build/bin/).
# Idempotent: re-running only rebuilds what changed.
# Usage: deploy/build.sh [extra cmake -D options]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CTI_BUILD_DIR:-$root/build}"
jobs="${CTI_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${CTI_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build" -j "$jobs"
