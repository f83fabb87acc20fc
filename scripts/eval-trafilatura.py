#!/usr/bin/env python3
"""Trafilatura on the same corpus pages, scored the same way as `sluice eval extract`, printed beside our figures.

Usage: scripts/eval-trafilatura.py CORPUS_DIR [--split tune|held-out|all] [--sluice BINARY | --ours REPORT.json] [--json]

Pages: every <set>/<id>.html with a <set>/<id>.json ground truth, minus synthetic pages and non-HTML formats;
with --split, only the pages of that half of the corpus (the split is sluice's: `sluice eval extract --json`
gives each page's half, so the report from --ours or from running --sluice decides it).
Decoding for trafilatura: strict UTF-8, else GB18030, else UTF-8 with replacement (right for every scored page
but the few in other legacy charsets); ours uses the fetch stage's CharsetDecoder, whose charset accuracy
`sluice eval extract` reports. Scores: title exact match after whitespace folding; body token precision, recall
and F1 with each CJK character one token and other scripts split into lower-cased words; date accuracy on
yyyy-mm-dd (a year-only truth compares the year). REPORT.json is the JSON form of our ExtractionReport.
Trafilatura (and lxml_html_clean) are installed into a virtual environment in a temporary directory,
removed afterwards, unless the running Python already has them.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from collections import Counter
from pathlib import Path


def ensure_packages(*packages):
    """Re-runs this script in a throwaway virtual environment with `packages` when they are missing."""
    missing = False
    for package in packages:
        try:
            __import__(package)
        except ImportError:
            missing = True
    if not missing:
        return
    if os.environ.get("SLUICE_EVAL_VENV"):
        sys.exit(f"{', '.join(packages)}: still missing inside the virtual environment")
    directory = tempfile.mkdtemp(prefix="sluice-eval-venv-")
    try:
        venv.create(directory, with_pip=True)
        python = str(Path(directory) / "bin" / "python")
        subprocess.run([python, "-m", "pip", "install", "--quiet", *packages], check=True)
        environment = dict(os.environ, SLUICE_EVAL_VENV=directory)
        result = subprocess.run([python, *sys.argv], env=environment)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    sys.exit(result.returncode)


def sluice_report(corpus, binary):
    """`sluice eval extract CORPUS --json` (all pages, each with its split)."""
    output = subprocess.run([binary, "eval", "extract", str(corpus), "--json"], check=True, capture_output=True)
    return json.loads(output.stdout)


def our_pages(arguments):
    if arguments.ours:
        return json.loads(Path(arguments.ours).read_text(encoding="utf-8"))["pages"]
    if arguments.sluice:
        return sluice_report(arguments.corpus, arguments.sluice)["pages"]
    return []


def in_split(pages, split):
    """Keys (set, id) of our pages in `split`, or None for every page."""
    if split == "all":
        return None
    return {(page["set"], page["id"]) for page in pages if page["split"] == split}


CHARACTER_TOKEN = re.compile(
    "[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f\u3040-\u30ff\uac00-\ud7af\u1100-\u11ff"
    "\u0e00-\u0e7f\u1000-\u109f]"
)
DATE = re.compile(r"(?<!\d)(\d{4})\s*([-/.年])\s*(\d{1,2})\s*([-/.月])\s*(\d{1,2})(?!\d)")


def tokens(text):
    found = []
    word = []
    for character in text or "":
        if CHARACTER_TOKEN.match(character):
            if word:
                found.append("".join(word).lower())
                word = []
            found.append(character)
        elif character.isalpha() or character.isnumeric():
            word.append(character)
        elif word:
            found.append("".join(word).lower())
            word = []
    if word:
        found.append("".join(word).lower())
    return found


def overlap(expected, found):
    expected_tokens, found_tokens = tokens(expected), tokens(found)
    common = sum((Counter(expected_tokens) & Counter(found_tokens)).values())
    precision = common / len(found_tokens) if found_tokens else (1.0 if not expected_tokens else 0.0)
    recall = common / len(expected_tokens) if expected_tokens else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def day(text):
    for match in DATE.finditer(text or ""):
        year, first, month, second, date = match.groups()
        if (first == "年") != (second == "月"):
            continue
        if 1970 <= int(year) <= 2100 and 1 <= int(month) <= 12 and 1 <= int(date) <= 31:
            return f"{int(year):04d}-{int(month):02d}-{int(date):02d}"
    return None


def line(text):
    return " ".join((text or "").split())


def decode(raw):
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def corpus_pages(corpus, keys=None):
    """(set, id, truth, decoded text) of every scored page, or of those whose (set, id) is in `keys`."""
    for truth_file in sorted(corpus.glob("*/*.json")):
        page_file = truth_file.with_suffix(".html")
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        if not page_file.exists() or truth.get("synthetic") or (truth.get("format") or "html") != "html":
            continue
        if keys is not None and (truth_file.parent.name, truth_file.stem) not in keys:
            continue
        yield truth_file.parent.name, truth_file.stem, truth, decode(page_file.read_bytes())


def score_pages(corpus, keys=None):
    import trafilatura

    scores = []
    for set_name, page_id, truth, text in corpus_pages(corpus, keys):
        document = trafilatura.bare_extraction(text, url=truth.get("url"), with_metadata=True)
        result = document.as_dict() if document is not None else {}
        score = {"set": set_name, "id": page_id}
        if truth.get("title") is not None:
            score["title_matches"] = line(truth["title"]) == line(result.get("title"))
        if truth.get("body") is not None:
            precision, recall, f1 = overlap(truth["body"], result.get("text"))
            score.update(body_precision=precision, body_recall=recall, body_f1=f1)
        if truth.get("date") is not None:
            expected = day(truth["date"])
            found = day(result.get("date"))
            if expected:
                score["date_matches"] = expected == found
            elif re.fullmatch(r"\d{4}", truth["date"]):
                score["date_matches"] = bool(found and found.startswith(truth["date"]))
        scores.append(score)
    return scores


def figures(scores):
    def mean(key):
        values = [float(score[key]) for score in scores if score.get(key) is not None]
        return (sum(values) / len(values) if values else None), len(values)

    return {key: mean(key) for key in ("title_matches", "body_precision", "body_recall", "body_f1", "date_matches")}



def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--split", choices=["tune", "held-out", "all"], default="all")
    parser.add_argument("--ours", help="JSON ExtractionReport from sluice eval extract --json")
    parser.add_argument("--sluice", help="the sluice binary: run its eval extract for our figures and the split")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    if arguments.split != "all" and not (arguments.ours or arguments.sluice):
        parser.error("--split needs our report (--ours or --sluice): the split is sluice's")
    ensure_packages("trafilatura", "lxml_html_clean")
    import trafilatura

    ours = our_pages(arguments)
    keys = in_split(ours, arguments.split)
    if keys is not None:
        ours = [page for page in ours if (page["set"], page["id"]) in keys]
    theirs = score_pages(arguments.corpus, keys)
    sets = sorted({score["set"] for score in theirs})
    rows = []
    for name in sets + ["overall"]:
        selected = [s for s in theirs if name in ("overall", s["set"])]
        row = {"set": name, "pages": len(selected), "trafilatura": figures(selected)}
        if ours:
            row["sluice"] = figures([s for s in ours if name in ("overall", s["set"])])
        rows.append(row)
    if arguments.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return

    def cell(value):
        mean, count = value
        return "-".ljust(13) if mean is None else f"{mean:.3f} ({count})".ljust(13)

    print(f"trafilatura {trafilatura.__version__}" + (" beside sluice" if ours else "") + f", split: {arguments.split}")
    print("set".ljust(32) + "extractor".ljust(13) + "title".ljust(13) + "body P".ljust(13) + "body R".ljust(13)
          + "body F1".ljust(13) + "date")
    for row in rows:
        for extractor in ("trafilatura", "sluice"):
            if extractor not in row:
                continue
            values = row[extractor]
            print(row["set"].ljust(32) + extractor.ljust(13) + cell(values["title_matches"]) + cell(values["body_precision"])
                  + cell(values["body_recall"]) + cell(values["body_f1"]) + cell(values["date_matches"]))


if __name__ == "__main__":
    main()
