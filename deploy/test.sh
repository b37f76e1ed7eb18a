#!/usr/bin/env bash
# The README's second command: installs what is missing, builds, and runs every test
# (unit, integration, crash) with CTest, then the Bazel build and its unit tests under
# ASan and UBSan (bazel-compat/). Exit status is the first failure's.
# Usage: deploy/test.sh [extra ctest arguments, e.g. -L crash or -R Directory]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/deploy/setup.sh"
"$root/deploy/build.sh"
build="${CTI_BUILD_DIR:-$root/build}"
cd "$build"
ctest --output-on-failure --no-tests=error -j "${CTI_TEST_JOBS:-2}" "$@"
# The Bazel build of ctid, ctictl and the unit tests, from the same sources
# (bazel-compat/README.md), built with AddressSanitizer and UndefinedBehaviorSanitizer:
# the unit tests run under both, and any finding fails them (.bazelrc, --config=sanitize).
# Skipped when ctest arguments pick a subset, or CTI_BAZEL=0.
if [ $# -eq 0 ] && [ "${CTI_BAZEL:-1}" != 0 ]; then
  cd "$root/bazel-compat" && bazel test --config=sanitize //...
fi
