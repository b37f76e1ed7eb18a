#!/usr/bin/env bash
# Makes what ctid needs to serve outside a developer's loopback, for a trial or a small
# installation: a CA, a server certificate for the given names, and an identities file
# with one operator token. A municipality with its own PKI uses its certificates instead.
#   deploy/make-tls.sh DIR [NAME...]     (names default to localhost 127.0.0.1)
# Writes DIR/tls/ca.pem, DIR/tls/ca.key, DIR/tls/server.pem, DIR/tls/server.key and, when
# missing, DIR/identities with an admin token for every tenant (actor it-drift), whose
# secret goes to DIR/it-drift.token (mode 600). Existing files are kept: run it again to
# add nothing. Then:
#   ctid --tls-cert DIR/tls/server.pem --tls-key DIR/tls/server.key --identities DIR/identities
#   ctictl --tls-ca DIR/tls/ca.pem --token-file DIR/it-drift.token status
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: make-tls.sh DIR [NAME...]" >&2; exit 2; }
dir="$1"; shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(localhost 127.0.0.1)
ctictl="${CTICTL:-$(cd "$(dirname "$0")/.." && pwd)/build/bin/ctictl}"
mkdir -p "$dir/tls"
cd "$dir"
san=""
for name in "${names[@]}"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then san+="IP:$name,"; else san+="DNS:$name,"; fi
done
san="${san%,}"
if [ ! -s tls/ca.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=ctid CA" -keyout tls/ca.key -out tls/ca.pem 2>/dev/null
  chmod 600 tls/ca.key
fi
if [ ! -s tls/server.pem ]; then
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >tls/server.ext
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=${names[0]}" \
    -keyout tls/server.key -out tls/server.csr 2>/dev/null
  openssl x509 -req -in tls/server.csr -CA tls/ca.pem -CAkey tls/ca.key -CAcreateserial \
    -days 825 -extfile tls/server.ext -out tls/server.pem 2>/dev/null
  rm -f tls/server.csr tls/server.ext
  # Readable by the service's user (a container's ctid, a systemd DynamicUser).
  chmod 644 tls/server.key
fi
if [ ! -s identities ]; then
  out="$("$ctictl" token new --for it-drift --as admin --tenants '*')"
  secret="$(sed -n 's/^token: //p' <<<"$out")"
  line="$(sed -n 's/^identities line: //p' <<<"$out")"
  [ -n "$secret" ] && [ -n "$line" ] || { echo "make-tls.sh: ctictl token new failed" >&2; exit 1; }
  (umask 077; printf '%s\n' "$secret" >it-drift.token)
  {
    echo "# ctid identities: token sha256:<hash> | cert <common name>, actor, role, tenants"
    echo "# (ctictl token new --for ACTOR --as ROLE --tenants T prints a token and its line)"
    echo "$line"
  } >identities
fi
echo "make-tls.sh: $dir/tls/server.pem for ${names[*]}; identities in $dir/identities"
