#!/usr/bin/env bash
# Parse speed: `sluice bench parse` (release build: parse + full extraction, and libxml2 parsing alone in the
# same process) beside a C program that only calls htmlReadMemory, over the same corpus files and the same
# number of repetitions, then the ratios.
# Usage: scripts/bench-parse.sh [CORPUS_DIR] [REPETITIONS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$(cd "${1:-$root/../shared/corpus}" && pwd)"
repetitions="${2:-5}"
work="$(mktemp -d /tmp/sluice-bench-parse.XXXXXX)"
trap 'rm -rf "$work"' EXIT

swift build -c release --product sluice --package-path "$root" >/dev/null
# shellcheck disable=SC2046
gcc -O2 -o "$work/parse_only" "$root/scripts/bench/parse_only.c" $(pkg-config --cflags --libs libxml-2.0)
mapfile -t files < <(find "$corpus" -mindepth 2 -maxdepth 2 -name '*.html' | sort)

# The C reference runs before and after ours and is averaged, so a change in machine load weighs on both.
reference_before="$("$work/parse_only" "$repetitions" "${files[@]}")"
ours="$("$root/.build/release/sluice" bench parse "$corpus" --repetitions "$repetitions")"
reference_after="$("$work/parse_only" "$repetitions" "${files[@]}")"

echo "before: $reference_before"
echo "after:  $reference_after"
echo "$ours"
python3 - "$reference_before" "$reference_after" "$ours" <<'PY'
import re, sys
references = [float(re.search(r"([0-9.]+) pages/s", run).group(1)) for run in sys.argv[1:3]]
reference = sum(references) / len(references)
ours = float(re.search(r"parse \+ extraction: +([0-9.]+) pages/s", sys.argv[3]).group(1))
print(f"sluice parse + extraction / C htmlReadMemory only (mean of both runs): {ours / reference:.2f}")
PY
