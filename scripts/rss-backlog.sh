#!/usr/bin/env bash
# Memory against backlog: peak RSS of `sluice run` with 1,000 pending submissions beside the same run with 100,000
# pending, over the same work. Both stores hold the same first URLs of the bench site (scripts/bench/make_corpus.py,
# served by nginx on 127.0.0.1); the small run works its whole backlog, the large one is interrupted (SIGINT, a clean
# stop) once as many items have settled, so the two differ only in what waits. A run that loaded its backlog, or kept
# something per pending item, would show it here. Prints both peaks, the import's beside them, and the ratio
# (the target: within 1.5×).
#
# Usage: scripts/rss-backlog.sh [--small N] [--large N] [--keep DIR]
#   --keep DIR   build and keep the site in DIR (reused when present; bench-e2e.sh --keep builds the same), else a
#                temporary directory
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
small=1000
large=100000
work=""
while (($#)); do
    case "$1" in
        --small) small="$2"; shift 2 ;;
        --large) large="$2"; shift 2 ;;
        --keep) work="$2"; shift 2 ;;
        *) echo "usage: $0 [--small N] [--large N] [--keep DIR]" >&2; exit 2 ;;
    esac
done
((small > 0 && large > small)) || { echo "rss-backlog: --large must be above --small (both above 0)" >&2; exit 2; }
corpus="$root/../shared/corpus"
[ -d "$corpus" ] || { echo "rss-backlog: $corpus is missing (the real pages the site is built from)" >&2; exit 1; }
temporary=0
if [ -z "$work" ]; then work="$(mktemp -d /tmp/sluice-rss-backlog.XXXXXX)"; temporary=1; fi
mkdir -p "$work/logs" "$work/rss"
chmod 755 "$work"
work="$(cd "$work" && pwd)"
bench="$root/scripts/bench"

nginx_pid=""
cleanup() {
    if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
    rm -rf "$work/rss"
    if [ "$temporary" -eq 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
say() { echo "rss-backlog: $*" >&2; }

# shellcheck source=scripts/bench/nginx.sh
source "$bench/nginx.sh"

say "building the release sluice"
swift build -c release --product sluice --package-path "$root" >&2
sluice="$root/.build/release/sluice"
if [ ! -s "$work/c$large/truth.tsv" ]; then
    say "building the $large-URL site from $corpus"
    python3 "$bench/make_corpus.py" "$corpus" "$work/c$large" --urls "$large" >&2
fi
start_nginx "$work" "$work"
base="http://127.0.0.1:$port/c$large/site"

# measure N: a fresh store with the first N URLs; prints the import's and the run's measurement lines.
measure() {
    local count="$1" store="$work/rss/sluice-$1.db"
    rm -f "$store" "$store-wal" "$store-shm"
    head -n "$count" "$work/c$large/urls.txt" | sed "s|^|$base|" > "$work/rss/urls-$count.txt"
    python3 "$bench/measure.py" "import-$count" -- "$sluice" import "$work/rss/urls-$count.txt" --by bench \
        --store "$store" 2>/dev/null
    # The run stops by itself after the small backlog; on the large one it is stopped once $small items settled.
    python3 "$bench/measure.py" "run-$count" -- bash -c '
        sluice="$1" store="$2" pipeline="$3" port="$4" settle="$5"
        "$sluice" run --pipeline "$pipeline" --allow-host "127.0.0.1:$port" --store "$store" --json > "$store.run.json" &
        run=$!
        while kill -0 "$run" 2>/dev/null; do
            sleep 0.5
            settled="$("$sluice" status --json --store "$store" 2>/dev/null | python3 -c "
import json, sys
states = json.load(sys.stdin)[\"states\"]
print(sum(n for s, n in states.items() if s not in (\"submitted\", \"fetched\", \"parsed\", \"deduplicated\")))" || echo 0)"
            if [ "$settled" -ge "$settle" ]; then kill -INT "$run" 2>/dev/null || true; break; fi
        done
        wait "$run" || [ $? -eq 130 ]' run "$sluice" "$store" "$root/pipelines/bench.json" "$port" "$small"
    rm -f "$store" "$store-wal" "$store-shm" "$store.run.json"
}

say "$small pending"
measure "$small" > "$work/logs/rss-$small.jsonl"
say "$large pending (stopped after $small settle)"
measure "$large" > "$work/logs/rss-$large.jsonl"
python3 - "$work/logs/rss-$small.jsonl" "$work/logs/rss-$large.jsonl" "$small" "$large" <<'PY'
import json, sys
small = {r["label"].split("-")[0]: r for r in map(json.loads, open(sys.argv[1]))}
large = {r["label"].split("-")[0]: r for r in map(json.loads, open(sys.argv[2]))}
print(f"== rss-backlog: peak RSS of sluice with {sys.argv[3]} and with {sys.argv[4]} submissions pending, "
      f"over the same {sys.argv[3]} items")
for stage in ("import", "run"):
    a, b = small[stage]["peak_rss_kib"] / 1024, large[stage]["peak_rss_kib"] / 1024
    print(f"{stage:7} {a:8.1f} MiB  {b:8.1f} MiB  ratio {b / a:.2f}×  "
          f"(wall {small[stage]['wall_seconds']:.1f} s, {large[stage]['wall_seconds']:.1f} s)")
PY
