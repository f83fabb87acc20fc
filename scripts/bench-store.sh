#!/usr/bin/env bash
# The store backends side by side, in one invocation, interleaved over ROUNDS rounds:
#   sqlite        import + one `sluice run` into a SQLite file
#   postgres      import + one `sluice run` into a throw-away PostgreSQL cluster
#   postgres x2   import + two `sluice run` processes at once on one PostgreSQL store (the two-process speed-up)
# over N distinct generated pages served by nginx on 127.0.0.1, with pipelines/bench.json (no politeness delay for
# the one loopback host). Then the idle cost: with one page answering only after 5 s, how often the run asks the
# store for work while it waits (`idle_wakeups` in run --json, and the file-lock calls SQLite makes, counted with
# strace), and with --baseline REV the same count for the sluice of commit REV, built in a temporary worktree.
#
# Usage: scripts/bench-store.sh [N] [ROUNDS] [--baseline REV]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count="${1:-2000}"
rounds="${2:-3}"
baseline=""
if [[ "${3:-}" == "--baseline" ]]; then baseline="${4:?--baseline needs a commit}"; fi
cd "$root"
bash scripts/setup.sh --test >&2
swift build -c release --product sluice >&2
sluice="$root/.build/release/sluice"

work="$(mktemp -d /tmp/sluice-bench-store.XXXXXX)"
chmod 755 "$work"
nginx_pid=""
slow_pid=""
cleanup() {
    [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null || true
    [[ -n "$slow_pid" ]] && kill "$slow_pid" 2>/dev/null || true
    bash "$root/scripts/pg-cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
    [[ -d "$work/baseline" ]] && git -C "$root" worktree remove --force "$work/baseline" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# Distinct pages: each a different run of common Chinese words, so none is a duplicate of another.
mkdir -p "$work/site"
python3 - "$work/site" "$count" <<'PY'
import random, sys
root, count = sys.argv[1], int(sys.argv[2])
words = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
for i in range(count):
    rng = random.Random(i)
    paragraphs = "".join("<p>" + "".join(rng.choice(words) for _ in range(60)) + "。</p>" for _ in range(12))
    with open(f"{root}/p{i}.html", "w", encoding="utf-8") as page:
        page.write(f"<!doctype html><html><head><meta charset='utf-8'><title>副业笔记 {i}</title></head>"
                   f"<body><article>{paragraphs}</article></body></html>")
PY
source "$root/scripts/bench/nginx.sh"
start_nginx "$work/nginx" "$work/site"
for i in $(seq 0 $((count - 1))); do echo "http://127.0.0.1:$port/p$i.html"; done > "$work/urls.txt"
pg_url="$(bash scripts/pg-cluster.sh start "$work/pg")"

# One measured run: prints "seconds" of the whole job (import + run(s)).
measure() {
    local store="$1" processes="$2"
    local started ended
    started="$(date +%s.%N)"
    "$sluice" import "$work/urls.txt" --by bench --store "$store" >/dev/null
    local pids=()
    for _ in $(seq 1 "$processes"); do
        "$sluice" run --pipeline pipelines/bench.json --allow-host "127.0.0.1:$port" --store "$store" --json \
            >"$work/run-$RANDOM.json" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    ended="$(date +%s.%N)"
    python3 -c "print(f'{$ended - $started:.3f}')"
}

declare -A results
for round in $(seq 1 "$rounds"); do
    for backend in sqlite postgres postgres2; do
        case "$backend" in
        sqlite) store="$work/r$round.db"; processes=1 ;;
        postgres) store="$pg_url?schema=r${round}_one"; processes=1 ;;
        postgres2) store="$pg_url?schema=r${round}_two"; processes=2 ;;
        esac
        seconds="$(measure "$store" "$processes")"
        results[$backend]+="$seconds "
        echo "round $round $backend: $seconds s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    done
done

python3 - "$count" "${results[sqlite]}" "${results[postgres]}" "${results[postgres2]}" <<'PY'
import statistics, sys
count = int(sys.argv[1])
rows = {"sqlite, 1 run": sys.argv[2], "postgres, 1 run": sys.argv[3], "postgres, 2 runs": sys.argv[4]}
rates = {name: [count / float(s) for s in text.split()] for name, text in rows.items()}
print(f"\n{count} pages, import + run, pages/s (median [min–max] over {len(rates['sqlite, 1 run'])} rounds)")
for name, values in rates.items():
    print(f"  {name:18} {statistics.median(values):8.1f}  [{min(values):.1f}–{max(values):.1f}]")
sqlite, pg1, pg2 = (statistics.median(v) for v in rates.values())
print(f"  postgres / sqlite: {pg1 / sqlite:.2f}   two runs / one run on postgres: {pg2 / pg1:.2f}")
PY

# The idle cost: one page answers after 5 s; the run waits for it.
slow_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 - "$slow_port" <<'PY' &
import http.server, sys, time
class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/robots.txt":
            self.send_response(404); self.end_headers(); return
        time.sleep(5)
        body = "<html><head><title>慢</title></head><body><article><p>" + "等一等。" * 80 + "</p></article></body></html>"
        self.send_response(200); self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body.encode()))); self.end_headers(); self.wfile.write(body.encode())
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Slow).serve_forever()
PY
slow_pid=$!
sleep 0.5
idle() {
    local binary="$1" label="$2" pipelines="$3"
    local store="$work/idle-$label.db"
    "$binary" submit "http://127.0.0.1:$slow_port/slow" --by bench --store "$store" --pipeline "$pipelines/default.json" >/dev/null
    strace -f -qq -c -e trace=fcntl -o "$work/strace-$label.txt" \
        "$binary" run --pipeline "$pipelines/default.json" --allow-host "127.0.0.1:$slow_port" --store "$store" --json \
        >"$work/idle-$label.json"
    local locks wakeups seconds
    locks="$(awk '$NF == "fcntl" {print $4}' "$work/strace-$label.txt")"
    wakeups="$(python3 -c "import json; print(json.load(open('$work/idle-$label.json')).get('idle_wakeups', 'n/a'))")"
    seconds="$(python3 -c "import json; print(round(json.load(open('$work/idle-$label.json'))['seconds'], 2))")"
    echo "  $label: run of $seconds s waiting on one slow page: ${locks:-0} fcntl lock calls, idle wake-ups $wakeups"
}
if ! command -v strace >/dev/null; then apt-get install -y -qq strace >/dev/null 2>&1 || true; fi
echo
echo "idle cost (one page answering after 5 s)"
idle "$sluice" now "$root/pipelines"
if [[ -n "$baseline" ]]; then
    git -C "$root" worktree add -q "$work/baseline" "$baseline"
    (cd "$work/baseline" && swift build -c release --product sluice >/dev/null 2>&1)
    idle "$work/baseline/.build/release/sluice" "baseline-$baseline" "$work/baseline/pipelines"
fi
