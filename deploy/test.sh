#!/usr/bin/env bash
# The README's second command: installs what is missing, builds, and runs every test
# (unit, integration, crash) with CTest. Exit status is CTest's.
# Usage: deploy/test.sh [extra ctest arguments, e.g. -L crash or -R Directory]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/deploy/setup.sh"
"$root/deploy/build.sh"
build="${CTI_BUILD_DIR:-$root/build}"
cd "$build"
ctest --output-on-failure --no-tests=error -j "${CTI_TEST_JOBS:-2}" "$@"
