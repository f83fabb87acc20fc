#!/usr/bin/env bash
# End-to-end benchmark: sluice against the Python pipeline a user would pick, on one machine, side by side.
#
# Builds a site from the real pages in ../shared/corpus (scripts/bench/make_corpus.py: distinct articles in the
# pages' own templates, near duplicates with per-copy variations, exact mirrors, tracking-parameter URLs; ground
# truth as duplicate clusters), serves it with nginx on 127.0.0.1 (installed if missing, started and stopped
# here), and runs, interleaved over the rounds (the order rotates each round):
#   sluice   sluice import + sluice run --pipeline pipelines/bench.json (release build), in one measurement
#   scrapy   scripts/bench/scrapy_bench: fetch, title/body with lxml, w3lib canonical URL, datasketch MinHash LSH,
#            SQLite (installed into a virtual environment from PyPI)
#   c-parse  scripts/bench/parse_files.c: libxml2 htmlReadMemory over the file behind every URL, 2 threads
#   c-fetch  scripts/bench/fetch_urls.c: every URL with curl multi, 32 at once
# and prints one table: pages/s, CPU seconds, peak RSS, bytes written, duplicate-pair precision/recall against the
# truth (sluice's clusters read from its store), medians and ranges over the rounds, and sluice's ratios to each.
#
# Usage: scripts/bench-e2e.sh [--urls N] [--rounds R] [--scaling] [--keep DIR] [--systems LIST] [--binary PATH]
#   --urls N     URLs in the corpus (default 20000)
#   --rounds R   rounds per size (default 3; with --scaling default 1)
#   --scaling    the same for 1,000, 10,000 and 100,000 URLs (100,000 reuses the 18,600 files under more URL variants)
#   --keep DIR   build and keep everything in DIR (corpora are reused when present), else a temporary directory
#   --systems LIST  a comma-separated subset of sluice,scrapy,c-parse,c-fetch (default: all four; at 100,000 URLs
#                   Scrapy alone takes hours on a loaded machine)
#   --binary PATH   the sluice to measure (default: the release build, built here)
# SLUICE_CORPUS=DIR takes the pages from DIR instead of ../shared/corpus (a git worktree sits elsewhere).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sizes=(20000)
rounds=""
work=""
systems=(sluice scrapy c-parse c-fetch)
binary=""
while (($#)); do
    case "$1" in
        --urls) sizes=("$2"); shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --scaling) sizes=(1000 10000 100000); rounds="${rounds:-1}"; shift ;;
        --keep) work="$2"; shift 2 ;;
        --systems) IFS=, read -r -a systems <<< "$2"; shift 2 ;;
        --binary) binary="$2"; shift 2 ;;
        *) echo "usage: $0 [--urls N] [--rounds R] [--scaling] [--keep DIR] [--systems LIST] [--binary PATH]" >&2; exit 2 ;;
    esac
done
rounds="${rounds:-3}"
for system in "${systems[@]}"; do
    case "$system" in
        sluice|scrapy|c-parse|c-fetch) ;;
        *) echo "bench-e2e: --systems: unknown system '$system' (sluice, scrapy, c-parse, c-fetch)" >&2; exit 2 ;;
    esac
done
corpus="${SLUICE_CORPUS:-$root/../shared/corpus}"
[ -d "$corpus" ] || { echo "bench-e2e: $corpus is missing (the real pages the site is built from)" >&2; exit 1; }
temporary=0
if [ -z "$work" ]; then work="$(mktemp -d /tmp/sluice-bench-e2e.XXXXXX)"; temporary=1; fi
mkdir -p "$work/logs" "$work/run"
chmod 755 "$work"
work="$(cd "$work" && pwd)"
bench="$root/scripts/bench"
results="$work/results.jsonl"
: > "$results"

nginx_pid=""
cleanup() {
    if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
    rm -rf "$work/run"
    if [ "$temporary" -eq 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

say() { echo "bench-e2e: $*" >&2; }

# shellcheck source=scripts/bench/nginx.sh
source "$bench/nginx.sh"

venv="$root/out/bench-venv"
if [ ! -x "$venv/bin/scrapy" ] || ! "$venv/bin/python" -c "import datasketch, lxml, w3lib" 2>/dev/null; then
    say "installing scrapy, lxml, w3lib, datasketch into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet scrapy lxml w3lib datasketch
fi

say "building the release sluice and the C references"
if [ -z "$binary" ]; then
    swift build -c release --product sluice --package-path "$root" >&2
    binary="$root/.build/release/sluice"
fi
sluice="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
# shellcheck disable=SC2046
gcc -O2 -o "$work/parse_files" "$bench/parse_files.c" $(pkg-config --cflags --libs libxml-2.0) -lpthread
# shellcheck disable=SC2046
gcc -O2 -o "$work/fetch_urls" "$bench/fetch_urls.c" $(pkg-config --cflags --libs libcurl)

for size in "${sizes[@]}"; do
    if [ ! -s "$work/c$size/truth.tsv" ]; then
        say "building the $size-URL site from $corpus"
        python3 "$bench/make_corpus.py" "$corpus" "$work/c$size" --urls "$size" >&2
    fi
done

start_nginx "$work" "$work"

run_sluice() {
    local size="$1" base="$2" store="$work/run/sluice.db"
    rm -f "$store" "$store-wal" "$store-shm"
    python3 "$bench/measure.py" sluice -- bash -c "'$sluice' import '$work/run/urls.txt' --by bench --store '$store' >/dev/null \
        && '$sluice' run --pipeline '$root/pipelines/bench.json' --allow-host 127.0.0.1:$port --store '$store' --json \
           > '$work/run/sluice-run.json'" > "$work/run/measured.json"
    python3 "$bench/score.py" pairs "$work/c$size/truth.tsv" sluice "$store" "$base" > "$work/run/pairs.json"
    python3 "$bench/score.py" record sluice "$size" "$work/run/measured.json" "$work/run/pairs.json" >> "$results"
    cp "$work/run/pairs.json" "$work/logs/sluice-pairs-$size-$3.json"
    cp "$work/run/sluice-run.json" "$work/logs/sluice-run-$size-$3.json"
    du -b "$store" | cut -f1 > "$work/logs/sluice-store-bytes-$size-$3"
    rm -f "$store" "$store-wal" "$store-shm"
}

run_scrapy() {
    local size="$1" base="$2" database="$work/run/scrapy.db"
    rm -f "$database"
    (cd "$bench/scrapy_bench" && SCRAPY_BENCH_DB="$database" SLUICE_URL_RULES="$root/pipelines/url-rules.json" \
        python3 "$bench/measure.py" scrapy -- "$venv/bin/scrapy" crawl pages -a urls="$work/run/urls.txt" \
        -s CONCURRENT_REQUESTS=32 -s CONCURRENT_REQUESTS_PER_DOMAIN=32 -s LOG_FILE="$work/logs/scrapy-$size-$3.log") \
        > "$work/run/measured.json"
    python3 "$bench/score.py" pairs "$work/c$size/truth.tsv" scrapy "$database" "$base" > "$work/run/pairs.json"
    python3 "$bench/score.py" record scrapy "$size" "$work/run/measured.json" "$work/run/pairs.json" >> "$results"
    cp "$work/run/pairs.json" "$work/logs/scrapy-pairs-$size-$3.json"
    rm -f "$database"
}

run_c_parse() {
    python3 "$bench/measure.py" c-parse -- "$work/parse_files" 2 "$work/c$1/files.txt" > "$work/run/measured.json"
    python3 "$bench/score.py" record c-parse "$1" "$work/run/measured.json" >> "$results"
}

run_c_fetch() {
    python3 "$bench/measure.py" c-fetch -- "$work/fetch_urls" 32 "$work/run/urls.txt" > "$work/run/measured.json"
    python3 "$bench/score.py" record c-fetch "$1" "$work/run/measured.json" >> "$results"
}

for size in "${sizes[@]}"; do
    base="http://127.0.0.1:$port/c$size/site"
    sed "s|^|$base|" "$work/c$size/urls.txt" > "$work/run/urls.txt"
    for round in $(seq 1 "$rounds"); do
        for offset in "${!systems[@]}"; do
            system="${systems[$(((round - 1 + offset) % ${#systems[@]}))]}"
            say "$size URLs, round $round of $rounds: $system"
            "run_${system//-/_}" "$size" "$base" "$round" >/dev/null
            tail -1 "$results" >&2
        done
    done
done

echo "== bench-e2e: $(nproc) cores, nginx on 127.0.0.1:$port, corpus $(cat "$work/c${sizes[0]}/summary.json")"
python3 "$bench/score.py" table "$results"
echo
# The store against what its pages weigh gzipped (every index included), and the bytes each item cost to write.
for size in "${sizes[@]}"; do
    [ -s "$work/c$size/gzip-bytes" ] || python3 "$bench/score.py" gzip "$work/c$size/files.txt" > "$work/c$size/gzip-bytes"
    gzipped="$(cat "$work/c$size/gzip-bytes")"
    for f in "$work"/logs/sluice-store-bytes-"$size"-*; do
        [ -f "$f" ] || continue
        round="${f##*-}"
        stored=$(($(cat "$f") / size))
        written="$(python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; \
r=[x for x in r if x['label']=='sluice' and x['urls']==$size]; print(int(r[$round-1]['written_mib']*1048576/$size))" "$results")"
        echo "sluice store, $size URLs, round $round: $stored bytes per item = $(python3 -c "print(f'{$stored/$gzipped:.2f}')")× \
its page gzipped ($gzipped bytes); written $written bytes per item = $(python3 -c "print(f'{$written/max($stored,1):.2f}')")× the stored size"
    done
done
echo "per-round results: $results; false-pair examples: $work/logs/sluice-pairs-*.json"
