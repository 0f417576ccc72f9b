#!/bin/sh
# A minimal Kairos client in POSIX sh with openssl and curl: it seals
# $KAIROS_PAYLOAD_FILE for $KAIROS_FLOW_ID exactly as spec section 3 says,
# POSTs the envelope to $KAIROS_URL and prints the response body.
#
# It passes client certification:
#   go run ./runner certify-client --client-cmd "sh examples/client-openssl.sh"
#
# Outside certification, set the same variables yourself (see
# internal/certify/README.md for the contract).
set -eu

: "${KAIROS_URL:?}" "${KAIROS_FLOW_ID:?}" "${KAIROS_PUBLIC_KEY_FILE:?}" "${KAIROS_PAYLOAD_FILE:?}"
padding=${KAIROS_RSA_PADDING:-pkcs1v15}
timeout=${KAIROS_TIMEOUT_SECONDS:-10}
work=${KAIROS_WORK_DIR:-}
if [ -z "$work" ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi

# One line of standard base64, no trailing newline.
b64() { openssl base64 -A | tr -d '\n'; }

# Step 1: payloadB64, the standard base64 of the payload bytes as given.
b64 <"$KAIROS_PAYLOAD_FILE" >"$work/payload.b64"

# Steps 2-3: a fresh random key string k (32 hex characters) and base64(k).
k=$(openssl rand -hex 16)
key_b64=$(printf '%s' "$k" | b64)

# Step 4: the AES-128 key, the first 16 bytes of SHA-256(base64(k)), in hex.
aes_key=$(printf '%s' "$key_b64" | openssl dgst -sha256 -r | cut -c1-32)

# Step 5: AES-128-ECB with PKCS#5 padding over payloadB64, then base64.
openssl enc -aes-128-ecb -K "$aes_key" -in "$work/payload.b64" | b64 >"$work/encrypted.b64"

# Step 6: RSA-encrypt base64(k) with the flow's public key, then base64.
case "$padding" in
pkcs1v15) rsa_opts="-pkeyopt rsa_padding_mode:pkcs1" ;;
oaep-sha1) rsa_opts="-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1" ;;
oaep-sha256) rsa_opts="-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256" ;;
*) echo "unknown KAIROS_RSA_PADDING $padding" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086 # rsa_opts is a list of options
printf '%s' "$key_b64" | openssl pkeyutl -encrypt -pubin -inkey "$KAIROS_PUBLIC_KEY_FILE" $rsa_opts | b64 >"$work/signature.b64"

# The envelope. The flow id is 8 alphanumerics: nothing to escape.
{
	printf '{"requestEncryptedValue":"'
	cat "$work/encrypted.b64"
	printf '","requestDigitalSignatureValue":"'
	cat "$work/signature.b64"
	printf '","flow-id":"%s"}' "$KAIROS_FLOW_ID"
} >"$work/body.json"

# POST it and print the response body, whatever its api-response-code.
curl --silent --show-error --max-time "$timeout" \
	-H 'Content-Type: application/json' \
	--data-binary @"$work/body.json" \
	"$KAIROS_URL"
