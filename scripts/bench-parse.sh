#!/usr/bin/env bash
# Parse speed: sluice's parse + full extraction beside a C program that only calls htmlReadMemory, over
# the same corpus files and the same number of repetitions, then the ratio of the two.
# Usage: scripts/bench-parse.sh [CORPUS_DIR] [REPETITIONS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$(cd "${1:-$root/../shared/corpus}" && pwd)"
repetitions="${2:-5}"
work="$(mktemp -d /tmp/sluice-bench-parse.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC2046
gcc -O2 -o "$work/parse_only" "$root/scripts/bench/parse_only.c" $(pkg-config --cflags --libs libxml-2.0)
mapfile -t files < <(find "$corpus" -mindepth 2 -maxdepth 2 -name '*.html' | sort)
# The reference runs before and after ours and is averaged, so a change in machine load weighs on both.
reference_before="$("$work/parse_only" "$repetitions" "${files[@]}")"

if [[ -x "$root/.build/release/sluice" ]] && "$root/.build/release/sluice" bench parse --help >/dev/null 2>&1; then
    ours="$("$root/.build/release/sluice" bench parse "$corpus" --repetitions "$repetitions")"
else
    # Until the CLI wires `sluice bench parse`, a throwaway package builds the parse module's sources
    # (linked, not copied) with a small runner that calls ParseBenchmark.run.
    mkdir -p "$work/runner/Sources/runner"
    ln -s "$root/Sources/Core" "$work/runner/Sources/Core"
    ln -s "$root/Sources/CLibXML2" "$work/runner/Sources/CLibXML2"
    ln -s "$root/Sources/Parse" "$work/runner/Sources/Parse"
    cat >"$work/runner/Package.swift" <<'SWIFT'
// swift-tools-version: 6.0
import PackageDescription
let package = Package(name: "runner", platforms: [.macOS(.v15)],
    targets: [
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0"),
        .target(name: "SluiceCore", path: "Sources/Core"),
        .target(name: "SluiceParse", dependencies: ["SluiceCore", "CLibXML2"], path: "Sources/Parse"),
        .executableTarget(name: "runner", dependencies: ["SluiceParse"], path: "Sources/runner"),
    ],
    swiftLanguageModes: [.v6])
SWIFT
    cat >"$work/runner/Sources/runner/main.swift" <<'SWIFT'
import Foundation
import SluiceParse
let arguments = CommandLine.arguments
let report = try ParseBenchmark.run(corpus: URL(fileURLWithPath: arguments[1]), repetitions: Int(arguments[2]) ?? 5) { bytes in
    (String(decoding: bytes, as: UTF8.self), "UTF-8")
}
print(report)
SWIFT
    swift build -c release --package-path "$work/runner" >/dev/null
    ours="$("$work/runner/.build/release/runner" "$corpus" "$repetitions")"
fi

reference_after="$("$work/parse_only" "$repetitions" "${files[@]}")"

echo "$reference_before"
echo "$reference_after"
echo "$ours"
python3 - "$reference_before" "$reference_after" "$ours" <<'PY'
import re, sys
references = [float(re.search(r"([0-9.]+) pages/s", run).group(1)) for run in sys.argv[1:3]]
reference = sum(references) / len(references)
ours = float(re.search(r"parse \+ extraction: +([0-9.]+) pages/s", sys.argv[3]).group(1))
print(f"sluice parse + extraction / C htmlReadMemory only (mean of both runs): {ours / reference:.2f}")
PY
