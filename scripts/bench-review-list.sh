#!/usr/bin/env bash
# The memory of `sluice review list` at scale: N pending note-only items (default 20,000, each note ~1,500 CJK
# characters, so an item's JSON is ~10 KB as with real pages), listed with --jsonl and with --json into a file;
# prints each form's peak resident set (scripts/bench/measure.py) and the bytes it wrote. Both forms read the store
# a page at a time, so their peak stays that of one page however large N is.
#
# Usage: scripts/bench-review-list.sh [N] [--debug] [--baseline BINARY]
#   --debug            measures the debug build instead of a release build
#   --baseline BINARY  also lists the same store with --json of another sluice (one built from an older commit,
#                      whose --json built the whole array in memory), for comparison
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count=20000
configuration=release
baseline=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --debug) configuration=debug ;;
        --baseline) baseline="${2:?--baseline needs a sluice binary}"; shift ;;
        *) count="$1" ;;
    esac
    shift
done
cd "$root"
swift build -c "$configuration" --product sluice >&2
sluice="$root/.build/$configuration/sluice"

work="$(mktemp -d /tmp/sluice-bench-review-list.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# Distinct notes: each a different run of common Chinese characters, so dedup links none of them.
python3 - "$work/notes.jsonl" "$count" <<'PY'
import json, random, sys
path, count = sys.argv[1], int(sys.argv[2])
characters = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
with open(path, "w", encoding="utf-8") as notes:
    for i in range(count):
        rng = random.Random(i)
        note = f"副业笔记 {i}：" + "".join(rng.choice(characters) for _ in range(1500))
        notes.write(json.dumps({"note": note, "volunteer": f"志愿者{i % 50}"}, ensure_ascii=False) + "\n")
PY
store="$work/sluice.db"
started="$(date +%s)"
"$sluice" import "$work/notes.jsonl" --by bench --store "$store" >/dev/null
"$sluice" run --store "$store" >/dev/null
pending="$("$sluice" review list --jsonl --store "$store" | wc -l)"
echo "store: $pending pending items in $(( $(date +%s) - started )) s ($configuration build)" >&2

printf '%-14s %14s %16s %9s\n' form peak_rss_mib bytes_written seconds
measure() {
    local label="$1" binary="$2" form="$3"
    local line
    line="$(python3 scripts/bench/measure.py "$label" -- sh -c "exec '$binary' review list --$form --store '$store' > '$work/out'")"
    python3 - "$line" "$(stat -c %s "$work/out")" <<'PY'
import json, sys
result, written = json.loads(sys.argv[1]), int(sys.argv[2])
assert result["status"] == 0, result
print(f'{result["label"]:<14} {result["peak_rss_kib"] / 1024:14.1f} {written:16,} {result["wall_seconds"]:9.2f}')
PY
}
measure jsonl "$sluice" jsonl
measure json "$sluice" json
if [[ -n "$baseline" ]]; then measure "baseline json" "$baseline" json; fi
