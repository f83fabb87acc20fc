#!/usr/bin/env bash
# Renders an exported HTML column to a PNG with headless Chromium, to look at it as a reader would.
# Usage: scripts/render-column-png.sh COLUMN.html OUT.png [WIDTH] [HEIGHT]
# Installs chromium and a CJK font (fonts-noto-cjk) with apt-get when they are missing; without a CJK
# font, Chinese text renders as empty boxes and the picture tells nothing.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 COLUMN.html OUT.png [WIDTH] [HEIGHT]" >&2
    exit 2
fi
input=$1
output=$2
width=${3:-1000}
height=${4:-2400}

if [[ ! -f "$input" ]]; then
    echo "$0: $input: no such file" >&2
    exit 1
fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "$0: needs ${missing[*]}: run as root or install them (apt-get install ${missing[*]})" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
absolute_input=$(realpath "$input")
absolute_output=$(realpath -m "$output")

# --no-sandbox: Chromium refuses to run its sandbox as root, which is how CI and these machines run.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$profile" --window-size="$width,$height" \
    --screenshot="$absolute_output" "file://$absolute_input" 2>"$profile/chromium.log" || {
    cat "$profile/chromium.log" >&2
    exit 1
}
if [[ ! -s "$absolute_output" ]]; then
    echo "$0: chromium wrote no picture" >&2
    cat "$profile/chromium.log" >&2
    exit 1
fi
echo "$absolute_output"
