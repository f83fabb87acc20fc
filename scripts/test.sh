#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with zero warnings, starts a throw-away PostgreSQL
# cluster on 127.0.0.1 (stopped at the end, also on failure), and runs every test on both store backends.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
swift build --build-tests 2>&1 | tee /tmp/sluice-build.log | grep -E "warning:|error:" && {
    echo "test: the build has warnings or errors (see above); sluice keeps zero" >&2
    exit 1
}
cluster="$(mktemp -d /tmp/sluice-test-pg.XXXXXX)"
trap 'bash scripts/pg-cluster.sh stop "$cluster"' EXIT
if ! SLUICE_TEST_POSTGRES="$(bash scripts/pg-cluster.sh start "$cluster")"; then
    echo "test: the PostgreSQL test server could not start; the PostgreSQL tests are not optional" >&2
    exit 1
fi
export SLUICE_TEST_POSTGRES SLUICE_REQUIRE_POSTGRES=1
swift test --skip-build --parallel 2>&1
