#!/usr/bin/env bash
# The classifier beside scikit-learn on the same folds: for each labelled set in ../shared/classify,
# `sluice eval classify` cross-validates on one half (--part, default report: the half the defaults were
# not tuned on) and writes its fold of every line; scikit-learn's character n-gram naive Bayes and TF-IDF
# logistic regression are then trained and tested on exactly those folds, in a throwaway virtualenv.
# Usage: scripts/bench-classify.sh [report|tune|all] [FOLDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sets="$(cd "$root/../shared/classify" && pwd)"
part="${1:-report}"
folds="${2:-5}"
case "$part" in
    report|tune) part_arguments=(--part "$part") ;;
    all) part_arguments=() ;;
    *) echo "usage: scripts/bench-classify.sh [report|tune|all] [FOLDS]" >&2; exit 2 ;;
esac
work="$(mktemp -d /tmp/sluice-bench-classify.XXXXXX)"
trap 'rm -rf "$work"' EXIT

swift build -c release --product sluice --package-path "$root" >/dev/null
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check scikit-learn
sluice="$root/.build/release/sluice"

# name, file, the naive Bayes n-gram range of the set's README (1-3 for SMS, 1-2 for headlines)
rows=()
for entry in "spam zh-spam-dev.jsonl 3" "topic zh-topic-dev.jsonl 2"; do
    read -r name file ngrams <<<"$entry"
    "$sluice" eval classify --labeled "$sets/$file" --folds "$folds" "${part_arguments[@]}" \
        --write-folds "$work/$name.folds" --json >"$work/$name.sluice.json"
    "$work/venv/bin/python" "$root/scripts/bench/classify_sklearn.py" "$sets/$file" "$work/$name.folds" "$ngrams" \
        >"$work/$name.sklearn.json"
    rows+=("$name $sets/$file")
done

python3 - "$part" "$work" "${rows[@]}" <<'PY'
import json, os, sys
part, work = sys.argv[1], sys.argv[2]
print(f"same folds for both, part: {part}")
print(f"{'set':<28}{'items':>7}{'sluice':>9}{'sk NB':>9}{'sk LR':>9}   sluice − best")
for row in sys.argv[3:]:
    name, path = row.split(" ", 1)
    ours = json.load(open(os.path.join(work, f"{name}.sluice.json")))
    theirs = json.load(open(os.path.join(work, f"{name}.sklearn.json")))
    accuracy = (ours.get("approval") or ours.get("category"))["accuracy"]
    if ours["examples"] != theirs["examples"]:
        sys.exit(f"{name}: sluice measured {ours['examples']} items, scikit-learn {theirs['examples']}")
    best = max(theirs["naive_bayes"], theirs["logistic"])
    label = f"{os.path.basename(path)} ({ours['task']})"
    print(f"{label:<28}{ours['examples']:>7}{accuracy:>9.3f}{theirs['naive_bayes']:>9.3f}{theirs['logistic']:>9.3f}   {accuracy - best:+.3f}")
    approval = ours.get("approval")
    if approval:
        print(f"{'':<28}Brier {approval['brier']:.4f} (base rate {approval['base_rate_brier']:.4f}), "
              f"{approval['uncertain']} uncertain")
PY
