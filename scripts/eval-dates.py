#!/usr/bin/env python3
"""Publication dates: sluice beside htmldate and trafilatura on the corpus pages that have a ground-truth date.

Usage: scripts/eval-dates.py CORPUS_DIR [--sluice BINARY | --ours REPORT.json] [--json]

For each half of sluice's split (tune, held-out) and for all pages, prints the exact-day accuracy of sluice
(from `sluice eval extract --json`, run with --sluice or read from --ours), of htmldate with
original_date=True, extensive_search=False (its declared dates only), of htmldate with its defaults
(original_date=False, extensive_search=True) and of trafilatura's date. Every extractor gets the page's
ground-truth URL, as sluice does. A year-only truth compares the year. htmldate, trafilatura and
lxml_html_clean are installed into a virtual environment in a temporary directory, removed afterwards,
unless the running Python already has them. Decoding and day parsing are eval-trafilatura.py's.
"""
import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path

spec = importlib.util.spec_from_file_location("eval_trafilatura", Path(__file__).with_name("eval-trafilatura.py"))
shared = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shared)


def matches(truth, found):
    expected = shared.day(truth)
    found_day = shared.day(found)
    if expected:
        return expected == found_day
    if re.fullmatch(r"\d{4}", truth):
        return bool(found_day and found_day.startswith(truth))
    return None


def their_dates(corpus, keys):
    from htmldate import find_date
    import trafilatura

    rows = {}
    for set_name, page_id, truth, text in shared.corpus_pages(corpus, keys):
        if truth.get("date") is None:
            continue
        url = truth.get("url")
        def attempt(function):
            try:
                return function()
            except Exception as error:  # a library failing on one page scores a miss, not a crash
                print(f"{set_name}/{page_id}: {type(error).__name__}: {error}", file=sys.stderr)
                return None
        document = attempt(lambda: trafilatura.bare_extraction(text, url=url, with_metadata=True))
        rows[(set_name, page_id)] = {
            "truth": truth["date"],
            "htmldate_original": attempt(lambda: find_date(text, url=url, original_date=True, extensive_search=False)),
            "htmldate_default": attempt(lambda: find_date(text, url=url)),
            "trafilatura": document.as_dict().get("date") if document is not None else None,
        }
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--ours", help="JSON ExtractionReport from sluice eval extract --json (every page)")
    parser.add_argument("--sluice", help="the sluice binary: run its eval extract for our dates and the split")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    if not (arguments.ours or arguments.sluice):
        parser.error("give --sluice BINARY or --ours REPORT.json: our dates and the split come from sluice")
    shared.ensure_packages("htmldate", "trafilatura", "lxml_html_clean")

    ours = {(page["set"], page["id"]): page for page in shared.our_pages(arguments)}
    rows = their_dates(arguments.corpus, set(ours))
    extractors = ["sluice", "htmldate_original", "htmldate_default", "trafilatura"]
    report = []
    for split in ["tune", "held-out", "all"]:
        keys = [key for key in sorted(rows) if split == "all" or ours[key]["split"] == split]
        figures = {}
        for extractor in extractors:
            results = [matches(rows[key]["truth"], ours[key].get("date") if extractor == "sluice" else rows[key][extractor])
                       for key in keys]
            results = [result for result in results if result is not None]
            figures[extractor] = (sum(results) / len(results) if results else None, len(results))
        report.append({"split": split, "pages": len(keys), "exact_day": figures})
    if arguments.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return
    import htmldate
    import trafilatura
    print(f"exact-day accuracy on pages with a ground-truth date (htmldate {htmldate.__version__}, "
          f"trafilatura {trafilatura.__version__})")
    print("split".ljust(10) + "pages".ljust(7) + "".join(name.ljust(20) for name in extractors))
    for row in report:
        cells = "".join(("-" if value is None else f"{value:.3f} ({count})").ljust(20)
                        for value, count in (row["exact_day"][name] for name in extractors))
        print(row["split"].ljust(10) + str(row["pages"]).ljust(7) + cells)


if __name__ == "__main__":
    main()
