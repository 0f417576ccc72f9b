#!/usr/bin/env bash
# Renders a report.html in headless Chromium (Debian's chromium package) and
# writes a PNG of it, so a person, or a session, can look at the report as a
# browser shows it.
#
#   scripts/screenshot-report.sh [REPORT_HTML] [OUT_PNG] [WIDTHxHEIGHT]
#
# Defaults: reports/report.html, reports/report.png, 1280x2400.
# Install the browser with: apt-get install -y chromium
set -euo pipefail

html=${1:-reports/report.html}
png=${2:-reports/report.png}
size=${3:-1280x2400}

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "screenshot-report: chromium is not installed (apt-get install -y chromium)" >&2
	exit 2
fi
if [ ! -f "$html" ]; then
	echo "screenshot-report: $html: no such file" >&2
	exit 2
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs_html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
abs_png=$(cd "$(dirname "$png")" && pwd)/$(basename "$png")

# The flags keep Chromium off the network (this machine has none, and the
# report must need none) and out of the user's real profile.
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --hide-scrollbars --user-data-dir="$profile" \
	--window-size="${size/x/,}" --screenshot="$abs_png" "file://$abs_html" \
	>/dev/null 2>&1
if [ ! -s "$abs_png" ]; then
	echo "screenshot-report: chromium wrote no screenshot" >&2
	exit 1
fi
echo "$png"
