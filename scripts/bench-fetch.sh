#!/usr/bin/env bash
# Fetch benchmark: N generated pages (default 5000) served by nginx on 127.0.0.1, fetched once by sluice's
# fetcher and once by `curl --parallel --parallel-max 64` over the same URLs, in the same run.
# Prints pages/s and peak RSS of both and the ratio sluice/curl.
#
# Usage: scripts/bench-fetch.sh [N]
# Builds the release `sluice` (swift build -c release --product sluice) and runs `sluice bench fetch`.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-5000}"

echo "bench-fetch: building the release sluice" >&2
swift build -c release --product sluice >&2

work="$(mktemp -d /tmp/sluice-bench-fetch.XXXXXX)"
nginx_pid=""
cleanup() {
    if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

chmod 755 "$work"
mkdir -p "$work/site" "$work/logs"
paragraph="副业项目复盘：这个月我们核对了三个号称日入过万的渠道，实际到手远低于宣传。"
body="$(for _ in $(seq 1 40); do printf '<p>%s</p>\n' "$paragraph"; done)"
for i in $(seq 1 "$count"); do
    printf '<!doctype html><html><head><meta charset="utf-8"><title>第%d篇</title></head><body>%s</body></html>\n' \
        "$i" "$body" > "$work/site/p$i.html"
done

# shellcheck source=scripts/bench/nginx.sh
source "scripts/bench/nginx.sh"
start_nginx "$work" "$work/site"

urls="$work/urls.txt"
for i in $(seq 1 "$count"); do echo "http://127.0.0.1:$port/p$i.html"; done > "$urls"
curl_config="$work/curl.conf"
while read -r url; do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done < "$urls" > "$curl_config"

echo "== sluice bench fetch: $count pages from 127.0.0.1:$port"
/usr/bin/time -f "peak RSS (time): %M KiB" .build/release/sluice bench fetch --urls "$urls" \
    --allow-host "127.0.0.1:$port" > "$work/sluice.out" 2>&1 || echo "bench-fetch: some pages failed" >&2
cat "$work/sluice.out"
sluice_rate="$(grep -o 'rate: [0-9.]*' "$work/sluice.out" | head -1 | cut -d' ' -f2)"

echo "== curl --parallel --parallel-max 64: same $count URLs"
start="$(date +%s.%N)"
/usr/bin/time -f "peak RSS: %M KiB" -o "$work/curl.time" \
    curl --parallel --parallel-max 64 --no-progress-meter -w '%{http_code}\n' -K "$curl_config" > "$work/curl.codes"
end="$(date +%s.%N)"
echo "ok: $(grep -c '^200$' "$work/curl.codes" || true) of $count"
cat "$work/curl.time"
curl_rate="$(python3 -c "print(f'{$count / ($end - $start):.1f}')")"
echo "wall: $(python3 -c "print(f'{$end - $start:.3f}')") s  rate: $curl_rate pages/s"

echo "== ratio sluice/curl: $(python3 -c "print(f'{$sluice_rate / $curl_rate:.2f}')")"
