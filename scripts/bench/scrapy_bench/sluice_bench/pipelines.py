"""Canonical URL (w3lib, tracking parameters from sluice's own URL rules), MinHash LSH near-duplicate detection
(datasketch) and one SQLite table, written in batches."""
import json
import os
import re
import sqlite3

from datasketch import MinHash, MinHashLSH
from w3lib.url import canonicalize_url, url_query_cleaner

SHINGLE = 5


def tracking_parameters():
    """sluice's list, so both tools strip the same parameters."""
    path = os.environ.get("SLUICE_URL_RULES", "")
    with open(path, encoding="utf-8") as rules:
        return json.load(rules)["tracking_parameters"]


class DedupToSQLite:
    def open_spider(self):
        patterns = tracking_parameters()
        self.exact_names = {p for p in patterns if not p.endswith("*")}
        self.prefixes = tuple(p[:-1] for p in patterns if p.endswith("*"))
        self.database = sqlite3.connect(os.environ["SCRAPY_BENCH_DB"])
        self.database.execute("""CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, url TEXT UNIQUE, final_url TEXT,
            canonical_url TEXT, status INTEGER, title TEXT, body TEXT, duplicate_of INTEGER)""")
        self.lsh = MinHashLSH(threshold=0.8, num_perm=128)
        self.by_canonical = {}
        self.next_id = 1
        self.pending = []

    def canonical(self, url):
        query = url.split("#", 1)[0].partition("?")[2]
        names = [pair.split("=", 1)[0] for pair in re.split(r"[&;]", query) if pair]
        drop = [n for n in names if n in self.exact_names or n.startswith(self.prefixes)]
        return canonicalize_url(url_query_cleaner(url, drop, remove=True) if drop else url)

    def process_item(self, item):
        item_id = self.next_id
        self.next_id += 1
        canonical = self.canonical(item["url"])
        duplicate_of = self.by_canonical.get(canonical)
        text = re.sub(r"\s+", "", item["body"])
        if duplicate_of is None and len(text) >= 50:
            signature = MinHash(num_perm=128)
            signature.update_batch(text[i:i + SHINGLE].encode("utf-8") for i in range(len(text) - SHINGLE + 1))
            matches = self.lsh.query(signature)
            if matches:
                duplicate_of = min(matches)
            else:
                self.lsh.insert(item_id, signature)
        if duplicate_of is None:
            self.by_canonical[canonical] = item_id
        self.pending.append((item_id, item["url"], item["final_url"], canonical, item["status"], item["title"],
                             item["body"], duplicate_of))
        if len(self.pending) >= 500:
            self.flush()
        return item

    def flush(self):
        self.database.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self.pending)
        self.database.commit()
        self.pending = []

    def close_spider(self):
        self.flush()
        self.database.close()
