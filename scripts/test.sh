#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with zero warnings, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
swift build --build-tests 2>&1 | tee /tmp/sluice-build.log | grep -E "warning:|error:" && {
    echo "test: the build has warnings or errors (see above); sluice keeps zero" >&2
    exit 1
}
swift test --skip-build --parallel 2>&1
