#!/usr/bin/env bash
# Web intake load test on loopback: CLIENTS concurrent clients (default 200), each its own invited volunteer
# on one keep-alive connection, POST /api/v1/submissions back to back for SECONDS (default 60), every tenth
# request retried with the same Idempotency-Key; then it stops by itself. Beside it, in the same run, two
# references: the same clients on GET /static/site.css (the HTTP server without the store) and
# `sluice import` of the same number of submissions (the store alone, one writer).
# Prints accepted submissions/s, p50/p99 latency, the server's peak RSS, and checks that every accepted
# submission is in the store exactly once (duplicates, missing, retries answered with another id: all 0).
#
# Usage: scripts/bench-web.sh [CLIENTS] [SECONDS]      (SLUICE_BINARY=path skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-200}"
seconds="${2:-60}"
reference_seconds=$(( seconds / 4 > 5 ? seconds / 4 : 5 ))

if [[ -z "${SLUICE_BINARY:-}" ]]; then
    echo "bench-web: building the release sluice" >&2
    swift build -c release --product sluice >&2
    SLUICE_BINARY="$(swift build -c release --show-bin-path)/sluice"
fi
binary="$(realpath "$SLUICE_BINARY")"
work="$(mktemp -d /tmp/sluice-bench-web.XXXXXX)"
server=""
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
cc -O2 -pthread -o "$work/web_load" scripts/bench/web_load.c

store="$work/sluice.db"
"$binary" init --store "$store" >/dev/null
echo "bench-web: inviting $clients volunteers" >&2
for i in $(seq 0 $(( clients - 1 ))); do
    "$binary" volunteer invite "bench-$i" --store "$store" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
done > "$work/tokens.txt"

"$binary" serve --listen 127.0.0.1:0 --store "$store" --quiet --threads 4 --max-connections $(( clients * 2 + 16 )) \
    --per-address-connections $(( clients * 2 )) --rate-per-address 100000000 --rate-per-volunteer 100000000 \
    >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 1 100); do grep -q "serving on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port="$(sed -n 's/^serving on http:\/\/127.0.0.1:\([0-9]*\)\/.*/\1/p' "$work/serve.out")"
[[ -n "$port" ]] || { echo "bench-web: sluice serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }

echo "bench-web: reference, GET /static/site.css, $clients clients for ${reference_seconds}s" >&2
"$work/web_load" get "$port" "$clients" "$reference_seconds" /static/site.css > "$work/static.json"
echo "bench-web: POST /api/v1/submissions, $clients clients for ${seconds}s" >&2
"$work/web_load" post "$port" "$clients" "$seconds" "$work/tokens.txt" "$work/accepted.tsv" > "$work/post.json"
peak_rss_kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$server/status")"
kill "$server"
wait "$server" || true
server=""

accepted="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accepted"])' "$work/post.json")"
imported=$(( accepted < 10000 ? (accepted > 0 ? accepted : 1) : 10000 ))
python3 - "$store" "$work/accepted.tsv" "$accepted" > "$work/import.jsonl" <<'PYTHON'
import json, sys
# The reference import: submissions of the same shape by the same volunteers, as many as the web accepted up to
# 10,000 (its rate is steady; more only makes the run longer).
count = max(1, min(10_000, int(sys.argv[3])))
for i in range(count):
    print(json.dumps({"url": f"https://bench.example/import/{i}", "note": f"导入 第{i}条", "volunteer": f"bench-{i % 200}"},
                     ensure_ascii=False))
PYTHON
import_store="$work/import.db"
import_started="$(date +%s.%N)"
"$binary" import "$work/import.jsonl" --store "$import_store" >/dev/null
import_seconds="$(python3 -c "import sys; print(float('$(date +%s.%N)') - float('$import_started'))")"

python3 - "$store" "$work/accepted.tsv" "$work/static.json" "$work/post.json" "$peak_rss_kb" "$imported" "$import_seconds" <<'PYTHON'
import json, sqlite3, sys
store, accepted_file, static_file, post_file, peak_rss_kb, imported, import_seconds = sys.argv[1:]
static, post = json.load(open(static_file)), json.load(open(post_file))
db = sqlite3.connect(store)
rows = db.execute("""SELECT v.name, s.note, s.item_id FROM submissions s JOIN volunteers v ON v.id = s.volunteer_id
                     WHERE s.source = 'api'""").fetchall()
stored = {}
for name, note, item in rows:
    stored.setdefault((name, note), []).append(item)
duplicates = sum(len(items) - 1 for items in stored.values())
missing = wrong = 0
for line in open(accepted_file):
    client, sequence, item = line.split("\t")
    items = stored.get((f"bench-{client}", f"压测 第{client}号 第{sequence}条"))
    if not items:
        missing += 1
    elif int(item) not in items:
        wrong += 1
keys = db.execute("SELECT COUNT(*) FROM idempotency_keys").fetchone()[0]
integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
rate = post["accepted"] / post["seconds"]
import_rate = int(imported) / float(import_seconds)
static_rate = static["requests"] / static["seconds"]
print(f"clients {post['clients']}, {post['seconds']:.1f} s of submissions (every 10th retried with its key)")
print(f"  accepted submissions/s   {rate:10.1f}   ({post['accepted']} accepted, {post['retries']} retries)")
print(f"  latency p50 / p99        {post['p50_ms']:7.2f} ms / {post['p99_ms']:.2f} ms")
print(f"  peak RSS of sluice serve {int(peak_rss_kb) / 1024:7.1f} MiB")
print(f"  connection errors {post['connection_errors']}, other statuses {post['other_status']}")
print(f"reference, same run:")
print(f"  GET /static/site.css     {static_rate:10.1f} requests/s, p50 {static['p50_ms']:.2f} ms, p99 {static['p99_ms']:.2f} ms")
print(f"  sluice import (1 writer) {import_rate:10.1f} submissions/s ({imported} in {float(import_seconds):.1f} s)")
print(f"  ratios: web/import {rate / import_rate:.2f}, web submissions/static requests {rate / static_rate:.3f}")
print(f"exactly once: stored {len(rows)} api submissions for {post['accepted']} accepted; duplicates {duplicates}, "
      f"missing {missing}, wrong id {wrong}, retries answered with another id {post['retry_mismatches']}; "
      f"idempotency keys {keys}; integrity {integrity}")
sys.exit(0 if duplicates == 0 and missing == 0 and wrong == 0 and post["retry_mismatches"] == 0 and integrity == "ok" else 1)
PYTHON
