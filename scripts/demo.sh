#!/usr/bin/env bash
# The main job on the bundled samples: installs what is missing, builds, runs the whole pipeline into a
# fresh store from recorded pages (no network needed), moderates as a scripted demo moderator, publishes
# and exports this month's column.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product sluice 2>&1 | grep -E "error|warning: [^']" && exit 1
sluice() { .build/debug/sluice "$@"; }

out=out/demo
rm -rf "$out"
mkdir -p "$out"
export SLUICE_STORE="$out/sluice.db"
started=$(date +%s.%N)

echo "== import the volunteers' submissions"
sluice import samples/submissions.jsonl || true
echo
echo "== run the pipeline (replaying samples/captures.warc)"
sluice run --replay samples/captures.warc
echo
echo "== status"
sluice status
echo
echo "== the review queue, highest priority first"
sluice review list
echo
echo "== moderation (scripted): reject what carries risk flags, approve what has a readable page and no flag"
sluice review reject --flag any --as demo-moderator --reason hype_scam
sluice review reject --flag any --as demo-moderator --reason hype_scam --yes >/dev/null
sluice review approve --flag none --problem none --as demo-moderator --yes >/dev/null
sluice review log | tail -n 3
echo "(left in the queue for a person: pages that were a captcha, a login wall, deleted, …)"
sluice review list
echo
echo "== publish and export this month's column"
sluice publish --content "$out/content"
month=$(date -u +%Y-%m)
sluice export --month "$month" --format md --out "$out/column-$month.md"
sluice export --month "$month" --format html --out "$out/column-$month.html"
echo
head -n 60 "$out/column-$month.md"
echo "..."
finished=$(date +%s.%N)
awk -v a="$started" -v b="$finished" -v store="$SLUICE_STORE" -v column="$out/column-$month.md" \
    'BEGIN { printf "\ndemo finished in %.1f s (store %s, column %s)\n", b - a, store, column }'
