#!/usr/bin/env bash
# Makes the test-only certificates in this folder (run it from here; needs openssl 3). They
# are committed so that the tests need no certificate crate; they expire in 2126, except
# expired.pem, which expired in 2000 on purpose. None of them protects anything.
set -euo pipefail
days=36500
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A CA the tests trust, another they do not.
for ca in ca other-ca; do
    key "$ca.key"
    openssl req -x509 -new -key "$ca.key" -days "$days" -subj "/CN=stripe-billing-portal test $ca" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
        -out "$ca.pem"
done

# leaf NAME CA SAN [openssl x509 options...]: a server certificate signed by CA.
leaf() {
    local name=$1 ca=$2 san=$3
    shift 3
    key "$name.key"
    openssl req -new -key "$name.key" -subj "/CN=${san#*:}" -out "$name.csr"
    openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial \
        -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san") \
        "$@" -out "$name.pem" 2>/dev/null
    rm "$name.csr"
}
leaf localhost ca "DNS:localhost,IP:127.0.0.1" -days "$days"
leaf wrong-host ca "DNS:elsewhere.test" -days "$days"
# For the resolver test, whose DNS server answers for this name.
leaf api.stripe.test ca "DNS:api.stripe.test" -days "$days"
leaf unknown-issuer other-ca "DNS:localhost,IP:127.0.0.1" -days "$days"
# Expired: `openssl x509` cannot set dates in the past, `openssl ca` can.
key expired.key
openssl req -new -key expired.key -subj "/CN=localhost" -out expired.csr
work=$(mktemp -d)
touch "$work/index.txt"
cat >"$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
[leaf]
subjectAltName = DNS:localhost,IP:127.0.0.1
extendedKeyUsage = serverAuth
CNF
echo 01 >"$work/serial"
openssl ca -batch -config "$work/ca.cnf" -cert ca.pem -keyfile ca.key -extensions leaf \
    -startdate 19990101000000Z -enddate 20000101000000Z -in expired.csr -out expired.pem \
    -notext 2>/dev/null
rm -r "$work" expired.csr
# Self-signed, for localhost.
key self-signed.key
openssl req -x509 -new -key self-signed.key -days "$days" -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -addext "basicConstraints=critical,CA:FALSE" \
    -out self-signed.pem
rm -f ./*.srl ca.key other-ca.key
