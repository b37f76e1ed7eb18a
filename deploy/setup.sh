#!/usr/bin/env bash
# Installs, with apt-get, exactly what building and testing ctid needs on Debian 12.
# Idempotent: packages already present are left alone and apt-get is not called at all.
# Usage: deploy/setup.sh            (run as root, or with sudo available)
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates tzdata openssl
  clang-format
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev librdkafka-dev libabsl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libspdlog-dev libfmt-dev libjemalloc-dev
  libical-dev libcurl4-openssl-dev nlohmann-json3-dev
  libncurses-dev python3-aiosmtpd tmux
  libmicrohttpd-dev prometheus
  kcat docker-compose systemd
  kamailio kamailio-extra-modules kamailio-utils-modules sip-tester
  python3
  bazel-bootstrap bazel-rules-java
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
