#!/usr/bin/env bash
# Checks the deployment files without running them (no container engine or init system
# runs on the project's machines): the Kafka compose file parses and says what it must
# (KRaft, the topic with unlimited retention, two ctid replicas with their own volumes);
# the systemd unit passes `systemd-analyze verify` and is sandboxed.
# Usage: deploy_files_test.sh SOURCE_DIR CTID_BINARY
set -euo pipefail
src="$1"
ctid="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }

compose="$src/deploy/kafka/compose.yaml"
docker-compose -f "$compose" config -q || fail "docker-compose config refuses $compose"
rendered="$(CTI_REPLICATION=3 CTI_MIN_INSYNC=2 docker-compose -f "$compose" config)"
grep -q 'KAFKA_PROCESS_ROLES: broker,controller' <<<"$rendered" || fail "Kafka is not in KRaft mode"
grep -q 'image: apache/kafka:' <<<"$rendered" || fail "not the official Apache Kafka image"
grep -q 'retention.ms=-1' <<<"$rendered" || fail "the topic's retention is not unlimited"
grep -q -- '--replication-factor 3' <<<"$rendered" || fail "CTI_REPLICATION is not used"
grep -q 'min.insync.replicas=2' <<<"$rendered" || fail "CTI_MIN_INSYNC is not used"
for replica in ctid-a ctid-b; do
  grep -q "^  $replica:" <<<"$rendered" || fail "no service $replica"
done
[ "$(grep -c -- "--log" <<<"$rendered")" -ge 2 ] || fail "the replicas do not run --log kafka"
[ "$(grep -c ':/etc/ctid:ro' <<<"$rendered")" -ge 2 ] || fail "the replicas get no /etc/ctid (TLS, identities)"

unit="$src/deploy/systemd/ctid.service"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Verify a copy that starts this build's ctid (the unit names the installed path).
sed "s|/usr/local/bin/ctid|$ctid|" "$unit" >"$work/ctid.service"
out="$(systemd-analyze verify "$work/ctid.service" 2>&1)" || fail "systemd-analyze verify: $out"
if grep -v -e 'Documentation=' -e 'not executable' <<<"$out" | grep -q .; then
  fail "systemd-analyze verify says: $out"
fi
for option in DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes \
              SystemCallFilter=@system-service CapabilityBoundingSet= StateDirectory=ctid; do
  grep -q "^$option" "$unit" || fail "ctid.service lacks $option"
done
# make-tls.sh: a CA, a server certificate that verifies against it for the names given,
# an identities file with one operator token whose secret only the 600 file holds; a
# second run changes nothing.
tls="$work/etc"
CTICTL="$(dirname "$ctid")/ctictl" "$src/deploy/make-tls.sh" "$tls" ctid.test 127.0.0.1 >/dev/null
openssl verify -CAfile "$tls/tls/ca.pem" "$tls/tls/server.pem" >/dev/null || fail "make-tls.sh: the server certificate does not verify"
openssl x509 -in "$tls/tls/server.pem" -noout -ext subjectAltName | grep -q 'DNS:ctid.test, IP Address:127.0.0.1' \
  || fail "make-tls.sh: the certificate does not name ctid.test and 127.0.0.1"
[ "$(stat -c %a "$tls/it-drift.token")" = 600 ] || fail "make-tls.sh: the token file is not mode 600"
secret="$(cat "$tls/it-drift.token")"
grep -q "$secret" "$tls/identities" && fail "make-tls.sh: the identities file holds the secret"
[ "$(grep -c '^token sha256:' "$tls/identities")" = 1 ] || fail "make-tls.sh: not one token line"
before="$(md5sum "$tls/tls/server.pem" "$tls/identities")"
CTICTL="$(dirname "$ctid")/ctictl" "$src/deploy/make-tls.sh" "$tls" ctid.test >/dev/null
[ "$before" = "$(md5sum "$tls/tls/server.pem" "$tls/identities")" ] || fail "make-tls.sh: a second run changed files"
echo "deploy files: compose, systemd unit and make-tls.sh OK"
