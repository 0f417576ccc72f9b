#!/usr/bin/env bash
# interop-openssl.sh: check the envelope CLI against OpenSSL, both ways, by
# hand. Each openssl step is one line of spec section 3 (kairos-api.md):
#   keyB64 = base64(k); AES key = SHA-256(keyB64)[:16];
#   requestEncryptedValue = base64(AES-128-ECB-PKCS#7(base64(payload)));
#   requestDigitalSignatureValue = base64(RSA-encrypt(keyB64)).
# Uses the committed TEST ONLY 4096-bit key pair. Needs go, openssl, sed, cmp.
# The recovered key strings printed below are test secrets, shown on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."

pub=fixtures/keys/TEST-ONLY-rsa4096_public.key
priv=fixtures/keys/TEST-ONLY-rsa4096_private.key
flow=ZH0RKJvh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

runner() { go run ./runner "$@"; }  # Go caches the built command after the first run

# field NAME FILE: a string field of the CLI's one-line envelope JSON.
field() { sed -E "s/.*\"$1\":\"([^\"]*)\".*/\1/" "$2"; }
# pkeyopts PADDING: openssl pkeyutl options for a --rsa-padding name.
pkeyopts() {
  case $1 in
    pkcs1v15)    echo "-pkeyopt rsa_padding_mode:pkcs1" ;;
    oaep-sha1)   echo "-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1" ;;
    oaep-sha256) echo "-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256" ;;
  esac
}
aeskey() { openssl dgst -sha256 -r | cut -c1-32; }

cat > "$work/payload.json" <<'JSON'
{ "api-version": "1.0", "security-id": "5c45a01919eab5c4b0ce5484daf8105bc2bbb7bd0e958cb122864c67ac249322",
  "flow-id": "ZH0RKJvh",
  "calls": [ { "client-identifier": "cust-0042", "start-time": "2026-11-29T10:00:00+05:30",
               "contact-numbers": ["7016225597"], "keys": [ { "name": "$flow.key.Name", "value": "Asha" } ] } ] }
JSON
echo "openssl: $(openssl version)"
echo "payload: $(wc -c < "$work/payload.json") bytes"
failures=0

echo
echo "== 1. runner seals, openssl opens =="
for padding in pkcs1v15 oaep-sha1 oaep-sha256; do
  runner envelope seal --public-key "$pub" --flow-id "$flow" --rsa-padding "$padding" "$work/payload.json" > "$work/env.json"
  field requestDigitalSignatureValue "$work/env.json" | openssl base64 -d -A > "$work/rsa.bin"
  # shellcheck disable=SC2046  # the options are meant to split
  openssl pkeyutl -decrypt -inkey "$priv" $(pkeyopts "$padding") -in "$work/rsa.bin" -out "$work/keyB64"
  key=$(aeskey < "$work/keyB64")
  field requestEncryptedValue "$work/env.json" | openssl base64 -d -A |
    openssl enc -d -aes-128-ecb -K "$key" | openssl base64 -d -A > "$work/opened.json"
  if cmp -s "$work/payload.json" "$work/opened.json"; then verdict="OK, payload identical"; else verdict="MISMATCH"; failures=$((failures + 1)); fi
  printf '%-11s RSA value %d bytes, keyB64 %s, AES key %s: %s\n' \
    "$padding" "$(wc -c < "$work/rsa.bin")" "$(cat "$work/keyB64")" "$key" "$verdict"
done

echo
echo "== 2. openssl seals, runner opens =="
for padding in pkcs1v15 oaep-sha1 oaep-sha256; do
  k=$(openssl rand -hex 12)
  printf '%s' "$k" | openssl base64 -A > "$work/keyB64"
  key=$(aeskey < "$work/keyB64")
  enc=$(openssl base64 -A < "$work/payload.json" | openssl enc -aes-128-ecb -K "$key" | openssl base64 -A)
  # shellcheck disable=SC2046
  sig=$(openssl pkeyutl -encrypt -pubin -inkey "$pub" $(pkeyopts "$padding") -in "$work/keyB64" | openssl base64 -A)
  printf '{"requestEncryptedValue":"%s","requestDigitalSignatureValue":"%s","flow-id":"%s"}' "$enc" "$sig" "$flow" > "$work/env.json"
  if runner envelope open --private-key "$priv" --rsa-padding "$padding" "$work/env.json" > "$work/opened.json" &&
     cmp -s "$work/payload.json" "$work/opened.json"; then verdict="OK, payload identical"; else verdict="MISMATCH"; failures=$((failures + 1)); fi
  printf '%-11s key string %s, AES key %s: %s\n' "$padding" "$k" "$key" "$verdict"
done

echo
echo "== 3. a tampered envelope does not open =="
set +e
sed -E 's/"requestEncryptedValue":"(.)/"requestEncryptedValue":"\1\\n/' "$work/env.json" |
  runner envelope open --private-key "$priv" --rsa-padding oaep-sha256 2>&1
status=${PIPESTATUS[1]}
set -e
echo "runner exited with status $status (want 1)"
[ "$status" -eq 1 ] || failures=$((failures + 1))

echo
if [ "$failures" -ne 0 ]; then echo "FAIL: $failures check(s) failed"; exit 1; fi
echo "PASS: runner and openssl agree both ways"
