#!/usr/bin/env bash
# Takes two screenshots in headless Chromium (Debian's chromium package) of
# what a person sees of one run: the console log, rendered as a dark
# terminal (scripts/ansi2html), and the HTML report. The run is against a
# reference server told to misbehave, so both show failures grouped by
# cause, skips and warnings.
#
#   scripts/screenshot-console.sh [OUT_DIR] [FAULT] [TAGS]
#
# Defaults: screenshots/, upper-case-messages, '@status-401,@status-301,@status-207'.
# Writes OUT_DIR/console.log, console.html, console.png, reports/ and
# report.png; with tmux, also console-live.png: the same run on a terminal
# a few seconds in, with the live bar. Needs go and chromium (apt-get
# install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-screenshots}
fault=${2:-upper-case-messages}
tags=${3:-@status-401,@status-301,@status-207}

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "screenshot-console: chromium is not installed (apt-get install -y chromium)" >&2
	exit 2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/kairos" ./runner
go build -o "$work/ansi2html" ./scripts/ansi2html

# The misbehaving server on a port the kernel picks; its banner names the
# URL, and it exports a ready profile for itself.
"$work/kairos" serve --addr 127.0.0.1:0 --fault "$fault" --quiet --export "$work/export" >"$work/serve.log" 2>&1 &
server=$!
url=
for _ in $(seq 100); do
	url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -1 || true)
	[ -n "$url" ] && break
	sleep 0.1
done
[ -n "$url" ] || { echo "screenshot-console: the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

# The profile as QA would write it for staging: named, and without one
# role (its scenarios are skipped, with the reason).
profile=$work/export/acme-staging.yaml
awk -v name="${PROFILE_NAME:-acme-staging}" '
	/^name:/ { print "name: " name; next }
	/^  no-did-multicast:/ { skip = 1; next }
	skip && /^  [a-z]/ { skip = 0 }
	skip && /^[a-z]/ { skip = 0 }
	!skip { print }
' "$work/export/profile.yaml" >"$profile"

# FORCE_COLOR: the colours a terminal would get, in a file.
set +e
FORCE_COLOR=1 COLUMNS=120 "$work/kairos" --profile "$profile" --tags "$tags" \
	--reports "$out/reports" >"$out/console.log" 2>&1
code=$?
set -e
echo "screenshot-console: the run exited $code"
"$work/ansi2html" -title "kairos --profile acme-staging.yaml --tags '$tags'   (server fault: $fault)" \
	<"$out/console.log" >"$out/console.html"

shot() { # shot PAGE PNG WIDTHxHEIGHT
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --hide-scrollbars --user-data-dir="$work/chromium" \
		--window-size="${3/x/,}" --screenshot="$2" "file://$1" >/dev/null 2>&1
	test -s "$2" || { echo "screenshot-console: chromium wrote no $2" >&2; exit 1; }
	echo "$2"
}
lines=$(wc -l <"$out/console.log")
shot "$out/console.html" "$out/console.png" "1400x$((lines * 19 + 120))"
shot "$out/reports/report.html" "$out/report.png" "1400x2600"

# On a terminal: the live bar under the notable lines, a few seconds in.
if command -v tmux >/dev/null; then
	session=kairos-shot-$$
	tmux new-session -d -s "$session" -x 130 -y 40 \
		"'$work/kairos' --profile '$profile' --reports '$work/live-reports'; sleep 60"
	sleep "${LIVE_AFTER:-4}"
	tmux capture-pane -e -p -t "$session" >"$work/live.ans"
	tmux kill-session -t "$session"
	"$work/ansi2html" -title "kairos --profile acme-staging.yaml, on a terminal, mid-run   (server fault: $fault)" \
		<"$work/live.ans" >"$out/console-live.html"
	shot "$out/console-live.html" "$out/console-live.png" "1250x820"
fi
