#!/bin/sh
# Regenerates the Notation fixtures of this directory with openssl alone: a root CA (RSA 2048),
# a code-signing leaf it issued, and a JWS envelope (PS256, notary.x509) by the leaf over a
# payload naming sha256:aaaa... (1234 bytes). Keys are thrown away; the fuzz target embeds
# root.pem. Run from anywhere: sh tests/data/notation/make.sh
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$tmp/root.key" -subj "/CN=drydock fixture root" -days 3650 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout "$tmp/leaf.key" -subj "/CN=drydock fixture signer" -out "$tmp/leaf.csr" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n' >"$tmp/leaf.ext"
openssl x509 -req -in "$tmp/leaf.csr" -CA root.pem -CAkey "$tmp/root.key" -CAserial "$tmp/root.srl" -CAcreateserial -days 3650 -extfile "$tmp/leaf.ext" \
  -out "$tmp/leaf.pem" 2>/dev/null
printf '{"targetArtifact":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1234}}' \
  "$(printf 'a%.0s' $(seq 64))" >payload.json
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
printf '{"alg":"PS256","crit":["io.cncf.notary.signingScheme"],"cty":"application/vnd.cncf.notary.payload.v1+json","io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":"%s"}' \
  "$now" >"$tmp/protected.json"
p=$(b64url <"$tmp/protected.json")
q=$(b64url <payload.json)
printf '%s.%s' "$p" "$q" >"$tmp/input"
s=$(openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -sign "$tmp/leaf.key" "$tmp/input" | b64url)
leaf=$(openssl x509 -in "$tmp/leaf.pem" -outform DER | openssl base64 -A)
root=$(openssl x509 -in root.pem -outform DER | openssl base64 -A)
printf '{"payload":"%s","protected":"%s","header":{"x5c":["%s","%s"],"io.cncf.notary.signingAgent":"drydock-fixture"},"signature":"%s"}' \
  "$q" "$p" "$leaf" "$root" "$s" >envelope.jws
