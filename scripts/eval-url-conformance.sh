#!/usr/bin/env bash
# How the URL parser agrees with the WHATWG URL Standard on the http/https cases of the web-platform-tests URL
# suite. The suite is not shipped: pass its path, or set SLUICE_URL_TESTDATA, or put it at ../shared/url/.
# usage: bash scripts/eval-url-conformance.sh [PATH/urltestdata.json]
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-${SLUICE_URL_TESTDATA:-../shared/url/urltestdata.json}}"
if [[ ! -f "$suite" ]]; then
    echo "eval-url-conformance: no suite at $suite (give the path to urltestdata.json)" >&2
    exit 2
fi
swift build --product sluice >/dev/null
.build/debug/sluice eval url --suite "$suite"
