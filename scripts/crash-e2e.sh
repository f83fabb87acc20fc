#!/usr/bin/env bash
# Crash safety at size: N submissions served from loopback (a site built from ../shared/corpus by
# scripts/bench/make_corpus.py, served by python's http.server), `sluice run` SIGKILLed at random moments KILLS
# times and restarted each time, then run to the end; every item approved and `sluice publish` killed a few times
# too. Checks, after every kill and at the end: PRAGMA integrity_check is ok, every submission is present once;
# at the end: every item in a final state (pending_review, duplicate or failed before review) with no lease left,
# and nothing published twice (one ledger row and one content file per published item).
#
# Usage: scripts/crash-e2e.sh N KILLS [--binary PATH] [--seed S]
#   --binary PATH   the sluice to test (default: the release build, built if missing)
# Exit status 0 when every check holds; the failed checks are printed otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { echo "usage: $0 N KILLS [--binary PATH] [--seed S]" >&2; exit 2; }
count="$1"
kills="$2"
shift 2
binary=""
seed="${SLUICE_CRASH_SEED:-$(date +%s)}"
while (($#)); do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        *) echo "usage: $0 N KILLS [--binary PATH] [--seed S]" >&2; exit 2 ;;
    esac
done
corpus="${SLUICE_CORPUS:-$root/../shared/corpus}"
[ -d "$corpus" ] || { echo "crash-e2e: $corpus is missing (the real pages the site is built from)" >&2; exit 1; }
if [ -z "$binary" ]; then
    swift build -c release --product sluice --package-path "$root" >&2
    binary="$root/.build/release/sluice"
fi
work="$(mktemp -d /tmp/sluice-crash-e2e.XXXXXX)"
server_pid=""
run_pid=""
cleanup() {
    for pid in "$run_pid" "$server_pid"; do
        if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    done
    rm -rf "$work"
}
trap cleanup EXIT
echo "crash-e2e: $count submissions, $kills kills, seed $seed (replay with --seed $seed)"
RANDOM=$((seed % 32768))

python3 "$root/scripts/bench/make_corpus.py" "$corpus" "$work/corpus" --urls "$count" --seed "$seed" >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/corpus/site" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
done
sed "s|^|http://127.0.0.1:$port|" "$work/corpus/urls.txt" > "$work/urls.txt"
store="$work/sluice.db"
"$binary" import "$work/urls.txt" --by crash-test --store "$store" >/dev/null

check() {
    python3 - "$store" "$work/urls.txt" "$1" "$work/content" <<'PY'
import os, sqlite3, sys
store, urls_file, phase, content = sys.argv[1:5]
expected = [line.strip() for line in open(urls_file, encoding="utf-8") if line.strip()]
database = sqlite3.connect(store)
problems = []
integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
if integrity != "ok":
    problems.append(f"integrity_check: {integrity}")
submitted = [row[0] for row in database.execute("SELECT url FROM submissions")]
if sorted(submitted) != sorted(expected):
    problems.append(f"submissions: {len(submitted)} stored ({len(set(submitted))} distinct) for {len(expected)} URLs")
items = database.execute("SELECT COUNT(*) FROM items").fetchone()[0]
if items != len(expected):
    problems.append(f"items: {items} for {len(expected)} submissions")
if phase in ("settled", "published"):
    unsettled = database.execute("""SELECT state, COUNT(*) FROM items WHERE state NOT IN
        ('pending_review', 'duplicate', 'failed', 'approved', 'published') GROUP BY state""").fetchall()
    if unsettled:
        problems.append(f"items not in a final state: {unsettled}")
    leased = database.execute("SELECT COUNT(*) FROM items WHERE lease_owner IS NOT NULL").fetchone()[0]
    if leased:
        problems.append(f"{leased} items still leased")
if phase == "published":
    twice = database.execute("SELECT item_id FROM published GROUP BY item_id HAVING COUNT(*) > 1").fetchall()
    if twice:
        problems.append(f"published twice: {twice[:10]}")
    approved = database.execute("SELECT COUNT(*) FROM items WHERE state = 'approved'").fetchone()[0]
    if approved:
        problems.append(f"{approved} approved items were not published")
    ledger = database.execute("SELECT COUNT(*) FROM published WHERE retracted_at IS NULL").fetchone()[0]
    files = sum(len([f for f in names if not f.startswith(".")]) for _, _, names in os.walk(content))
    if files != ledger:
        problems.append(f"{files} content files for {ledger} published items")
    repeated = database.execute("""SELECT item_id FROM transitions WHERE to_state = 'published'
        GROUP BY item_id HAVING COUNT(*) > 1""").fetchall()
    if repeated:
        problems.append(f"items with two publish transitions: {repeated[:10]}")
states = dict(database.execute("SELECT state, COUNT(*) FROM items GROUP BY state").fetchall())
print(f"  {phase}: {states}" + ("" if not problems else "\n  FAILED: " + "\n  FAILED: ".join(problems)))
sys.exit(1 if problems else 0)
PY
}

# Kills `$@` after a random delay, unless it ends first; prints whether the kill landed.
run_killed() {
    local delay_ms="$1"
    shift
    "$@" >/dev/null 2>&1 &
    run_pid=$!
    local waited=0
    while [ "$waited" -lt "$delay_ms" ] && kill -0 "$run_pid" 2>/dev/null; do
        sleep 0.02
        waited=$((waited + 20))
    done
    local landed=0
    if kill -9 "$run_pid" 2>/dev/null; then landed=1; fi
    wait "$run_pid" 2>/dev/null || true
    run_pid=""
    echo "$landed"
}

failed=0
run=("$binary" run --pipeline "$root/pipelines/bench.json" --allow-host "127.0.0.1:$port" --store "$store")
landed=0
tried=0
while [ "$landed" -lt "$kills" ] && [ "$tried" -lt $((3 * kills)) ]; do
    tried=$((tried + 1))
    delay=$((200 + RANDOM % 2800))
    if [ "$(run_killed "$delay" "${run[@]}")" -eq 1 ]; then landed=$((landed + 1)); fi
    check "after kill $tried (${delay} ms)" >/dev/null || { check "after kill $tried"; failed=1; }
done
echo "crash-e2e: $landed of $tried kills landed while sluice run was working"
"${run[@]}" >/dev/null
check settled || failed=1

ids="$(python3 -c "import sqlite3,sys; print(' '.join(str(r[0]) for r in sqlite3.connect(sys.argv[1]).execute(\"SELECT id FROM items WHERE state = 'pending_review'\")))" "$store")"
if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    printf '%s\n' $ids | xargs -n 500 "$binary" review approve --as crash-test --store "$store" >/dev/null
fi
publish=("$binary" publish --content "$work/content" --store "$store")
published_kills=0
for attempt in $(seq 1 $(((kills + 3) / 4))); do
    delay=$((50 + RANDOM % 1000))
    published_kills=$((published_kills + $(run_killed "$delay" "${publish[@]}")))
    check "after publish kill $attempt" >/dev/null || { check "after publish kill $attempt"; failed=1; }
done
"${publish[@]}" >/dev/null
echo "crash-e2e: $published_kills publish kills landed"
check published || failed=1
if [ "$failed" -eq 0 ]; then echo "crash-e2e: every check holds (seed $seed)"; else echo "crash-e2e: FAILED (seed $seed)"; fi
exit "$failed"
