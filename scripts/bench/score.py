#!/usr/bin/env python3
"""Duplicate-pair precision and recall of a run against the benchmark's truth, and the table of all runs.

  score.py pairs TRUTH.tsv sluice STORE.db BASE_URL   -> {"precision", "recall", "predicted_pairs", "true_pairs",
  score.py pairs TRUTH.tsv scrapy ITEMS.db BASE_URL       "false_pairs_examples": [...]}
  score.py record LABEL URLS MEASURED.json [PAIRS.json] -> one result line (for RESULTS.jsonl)
  score.py table RESULTS.jsonl                         -> the table: medians and ranges over the rounds, ratios
  score.py gzip FILES.txt                              -> mean bytes per URL of its page gzipped (level 6)

A pair is two submitted URLs in one cluster. sluice's clusters come from the store (items.duplicate_of: every
duplicate points at its cluster's first item), Scrapy's from its items table in the same way."""
import json
import sqlite3
import zlib
import statistics
import sys
from collections import Counter


def clusters(kind, path, base):
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    if kind == "sluice":
        rows = database.execute("SELECT i.id, s.url, i.duplicate_of FROM items i JOIN submissions s ON s.item_id = i.id")
    else:
        rows = database.execute("SELECT id, url, duplicate_of FROM items")
    found = {}
    for item_id, url, duplicate_of in rows:
        found[url[len(base):] if url.startswith(base) else url] = duplicate_of or item_id
    return found


def pair_count(sizes):
    return sum(n * (n - 1) // 2 for n in sizes)


def pairs(truth_path, kind, path, base):
    truth = dict(line.rstrip("\n").split("\t") for line in open(truth_path, encoding="utf-8") if line.strip())
    predicted = clusters(kind, path, base)
    urls = [url for url in truth if url in predicted]
    true_pairs = pair_count(Counter(truth.values()).values())
    predicted_pairs = pair_count(Counter(predicted[u] for u in urls).values())
    correct = pair_count(Counter((predicted[u], truth[u]) for u in urls).values())
    members = {}
    for url in urls:
        members.setdefault(predicted[url], []).append(url)
    examples = []
    for group in members.values():
        by_truth = {}
        for url in group:
            by_truth.setdefault(truth[url], []).append(url)
        if len(by_truth) > 1 and len(examples) < 12:
            examples.append([sorted(v)[0] for v in by_truth.values()][:3])
    return {"precision": round(correct / predicted_pairs, 4) if predicted_pairs else 1.0,
            "recall": round(correct / true_pairs, 4) if true_pairs else 1.0,
            "predicted_pairs": predicted_pairs, "true_pairs": true_pairs, "correct_pairs": correct,
            "missing_urls": len(truth) - len(urls), "false_pairs_examples": examples}


def spread(values):
    values = sorted(values)
    median = statistics.median(values)
    return median, values[0], values[-1]


def table(results_path):
    runs = [json.loads(line) for line in open(results_path, encoding="utf-8") if line.strip()]
    sizes = sorted({run["urls"] for run in runs})
    systems = ["sluice", "scrapy", "c-parse", "c-fetch"]
    for size in sizes:
        figures = {}
        for system in systems:
            chosen = [run for run in runs if run["urls"] == size and run["label"] == system]
            if not chosen:
                continue
            figure = {}
            for key in ["pages_per_second", "cpu_seconds", "peak_rss_mib", "written_mib"]:
                figure[key] = spread([run[key] for run in chosen])
            for key in ["precision", "recall"]:
                values = [run[key] for run in chosen if run.get(key) is not None]
                figure[key] = spread(values) if values else None
            figure["rounds"] = len(chosen)
            figures[system] = figure
        rounds = ", ".join(f"{name}: {figure['rounds']} rounds" for name, figure in figures.items())
        print(f"\n{size} URLs ({rounds}); median [min–max]")
        print(f"{'':10} {'pages/s':>22} {'CPU s':>22} {'peak RSS MiB':>22} {'written MiB':>24} {'dup P':>8} {'dup R':>8}")
        for system, figure in figures.items():
            def cell(key, digits=1, width=22):
                median, low, high = figure[key]
                return f"{median:.{digits}f} [{low:.{digits}f}–{high:.{digits}f}]".rjust(width)
            precision = f"{figure['precision'][0]:.3f}" if figure["precision"] else "-"
            recall = f"{figure['recall'][0]:.3f}" if figure["recall"] else "-"
            print(f"{system:10} {cell('pages_per_second')} {cell('cpu_seconds')} {cell('peak_rss_mib')} "
                  f"{cell('written_mib', width=24)} {precision:>8} {recall:>8}")
        if "sluice" in figures:
            ours = figures["sluice"]
            for peer in [s for s in systems[1:] if s in figures]:
                other = figures[peer]
                ratios = [f"pages/s {ours['pages_per_second'][0] / other['pages_per_second'][0]:.2f}×",
                          f"CPU s/page {ours['cpu_seconds'][0] / max(other['cpu_seconds'][0], 1e-9):.2f}×",
                          f"peak RSS {ours['peak_rss_mib'][0] / max(other['peak_rss_mib'][0], 1e-9):.2f}×"]
                print(f"  sluice / {peer}: " + ", ".join(ratios))


def gzip_bytes(files_path):
    """The mean size per URL of the page behind it as `gzip -6` would store it (each distinct file once)."""
    sizes = {}
    total = count = 0
    for line in open(files_path, encoding="utf-8"):
        path = line.strip()
        if not path:
            continue
        if path not in sizes:
            packer = zlib.compressobj(6, zlib.DEFLATED, 31)
            with open(path, "rb") as page:
                sizes[path] = len(packer.compress(page.read()) + packer.flush())
        total += sizes[path]
        count += 1
    return total // max(count, 1)


def record(label, urls, measured_path, pairs_path=None):
    measured = json.load(open(measured_path, encoding="utf-8"))
    result = {"label": label, "urls": int(urls), "status": measured["status"], "wall_seconds": measured["wall_seconds"],
              "pages_per_second": round(int(urls) / max(measured["wall_seconds"], 1e-9), 1),
              "cpu_seconds": measured["cpu_seconds"], "peak_rss_mib": round(measured["peak_rss_kib"] / 1024, 1),
              "written_mib": round(measured["write_bytes"] / 1048576, 1), "precision": None, "recall": None}
    if pairs_path:
        scored = json.load(open(pairs_path, encoding="utf-8"))
        result["precision"], result["recall"] = scored["precision"], scored["recall"]
    return result


def main():
    if len(sys.argv) in (5, 6) and sys.argv[1] == "record":
        print(json.dumps(record(*sys.argv[2:])))
    elif len(sys.argv) == 6 and sys.argv[1] == "pairs":
        print(json.dumps(pairs(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]), ensure_ascii=False))
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "gzip":
        print(gzip_bytes(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
