#!/usr/bin/env python3
"""Builds the end-to-end benchmark's site from the real pages in ../shared/corpus.

Every page of the site is a real corpus page used as a template: a distinct article keeps the template's markup,
boilerplate and encoding and gets a main text of its own (sentences drawn at random from the corpus's
ground-truth bodies of the same language, so two articles share a site's chrome but not their text). Articles
are then copied the ways a story spreads:

- near duplicates: the same article with per-copy variations (changed boilerplate, an inserted ad block, a
  reordered sidebar or list, a small edit of the text), on another "host";
- exact duplicates: byte-identical mirrors under another host's path (hard links);
- URL variants: the same file under tracking parameters (utm_*, spm, from, share_token, ...).

All hosts are paths on one loopback server (/<host>/<file>). The ground truth (truth.tsv: URL path, cluster) puts
every copy and variant of an article in the article's cluster; pages that keep one WeChat article identity
(biz, mid, idx, sn in their scripts or links, as sluice reads it) are the same article and share a cluster too.

Usage: make_corpus.py CORPUS OUT --urls N [--seed S]
Writes OUT/site/..., OUT/urls.txt (paths, shuffled), OUT/truth.tsv, OUT/files.txt (the file behind each URL, in
urls.txt order) and OUT/summary.json.
"""
import argparse
import html
import json
import os
import random
import re
import sys
from pathlib import Path

FILES_PER_URL = 0.93
MAX_FILES = 18_600
NEAR_SHARE = 0.10
MIRROR_SHARE = 0.08
TRACKING = [
    "utm_source=wechat_session&utm_medium=social&utm_campaign=c{n}",
    "spm=a2h0c.8166622.{n}.1",
    "from=timeline&isappinstalled=0&share_token=t{n}",
    "share_source=copy_web&vd_source={n}",
    "share_token={n}&utm_source=weibo",
    "utm_source=newsletter&utm_content=top{n}",
]
ADS = [
    "限时优惠：新用户注册即送七天会员，点击领取。",
    "广告｜本地家政服务，预约立减二十元。",
    "推广：在线课程双十二特惠，报名从速。",
    "Sponsored: try our cloud notes app free for thirty days.",
    "Advertisement - Spring sale on running shoes, up to 40% off.",
    "赞助内容：扫码关注公众号，每日领取行业资料包。",
]
BOILERPLATE = ["首页", "关于我们", "联系我们", "热门推荐", "Home", "About", "Contact", "Latest", "More", "订阅"]
MASK = re.compile(r"(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<textarea\b.*?</textarea\s*>")
SEGMENT = re.compile(r">([^<>]+)<")
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=[.?!])\s+|\n+")
TITLE = re.compile(r"(?is)(<title[^>]*>)(.*?)(</title\s*>)")
META_TEXT = re.compile(r"""(?is)(<meta\b[^>]*(?:property|name)\s*=\s*["'](?:og:title|og:description|description|"""
                       r"""twitter:title|twitter:description)["'][^>]*content\s*=\s*["'])([^"']*)""")
WECHAT_VARIABLE = re.compile(r"""(var\s+(mid|sn)\s*=\s*["'])([^"']*)""")
LINK_OR_META = re.compile(r"(?is)<(?:link|meta)\b[^>]*>")
DECLARES_URL = re.compile(r"""(?is)\b(?:rel\s*=\s*\\?["']?canonical|property\s*=\s*\\?["']og:url)""")
URL_VALUE = re.compile(r"""(?is)(\b(?:href|content)\s*=\s*\\?["']?)[^"'\s>\\]*""")
WECHAT_LINK = re.compile(r"""((?:[?&]|&amp;)(mid|sn)=)([^&"'\s]*)""")
CODECS = {"utf-8": "utf-8", "ascii": "utf-8", "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030",
          "big5": "big5hkscs"}


def normalized(text):
    return re.sub(r"\s+", "", text)


class Template:
    """A corpus page split into fixed markup and the text segments a new article replaces."""

    def __init__(self, path, meta):
        self.name = f"{path.parent.name}/{path.stem}"
        encoding = (meta.get("encoding") or "utf-8").lower()
        self.codec = CODECS.get(encoding, "utf-8")
        self.html = path.read_bytes().decode(self.codec, errors="replace")
        self.lang = "zh" if str(meta.get("lang", "")).startswith("zh") else "other"
        body = normalized(str(meta.get("body") or ""))
        masked = MASK.sub(lambda match: " " * len(match.group(0)), self.html)
        segments = [(m.start(1), m.end(1)) for m in SEGMENT.finditer(masked) if m.group(1).strip()]

        def text(segment):
            return normalized(html.unescape(self.html[segment[0]:segment[1]]))

        main = [s for s in segments if len(text(s)) >= 4 and text(s) in body]
        covered = sum(len(text(s)) for s in main)
        # Only pages whose article text is (nearly) all in plain text segments make distinct articles: a page
        # whose text hides in scripts or in pieces too small to recognise would give copies that share it.
        self.usable = len(body) >= 200 and covered >= 0.8 * len(body)
        main_set = set(main)
        self.pieces = []
        self.main_lengths = []
        self.chrome = []
        cursor = 0
        for start, end in segments:
            if (start, end) in main_set:
                self.pieces.append(self.html[cursor:start])
                self.main_lengths.append(len(self.html[start:end].strip()))
                cursor = end
            elif len(self.html[start:end].strip()) >= 2:
                self.chrome.append(self.html[start:end].strip())
        self.pieces.append(self.html[cursor:])

    def article(self, texts, title):
        """The template with the main segments replaced by `texts` and the title and meta text by `title`."""
        parts = []
        for piece, text in zip(self.pieces, texts):
            parts += [piece, text]
        parts.append(self.pieces[-1])
        html = "".join(parts)
        html = TITLE.sub(lambda m: m.group(1) + title + m.group(3), html, count=1)
        return META_TEXT.sub(lambda m: m.group(1) + title, html)


def sentence_pools(templates_meta):
    pools = {"zh": [], "other": []}
    for meta in templates_meta:
        lang = "zh" if str(meta.get("lang", "")).startswith("zh") else "other"
        for sentence in SENTENCE_END.split(str(meta.get("body") or "")):
            sentence = sentence.strip()
            if 8 <= len(sentence) <= 200 and "<" not in sentence and ">" not in sentence:
                pools[lang].append(sentence)
    for lang in pools:
        pools[lang] = sorted(set(pools[lang]))
    return pools


class Vocabulary:
    """The words (characters, for Chinese) of one language's pool, ranked by frequency in buckets of 40.

    A new article reads its sentences through a mapping of its own that moves every word to another word of
    the same frequency bucket: its text keeps the pool's sentence shapes and word frequencies (and Chinese text
    stays in common characters, so charset detection sees real text), but two articles share frequent words
    only by chance. Sentences drawn straight from one pool made long articles alike (the same frequent words
    and sentences), which no two real articles are."""

    BUCKET = 40

    def __init__(self, pool, lang):
        self.token = re.compile(r"[\u4e00-\u9fff]") if lang == "zh" else re.compile(r"[^\W\d_]{2,}")
        counts = {}
        for sentence in pool:
            for token in self.token.findall(sentence):
                counts[token.lower()] = counts.get(token.lower(), 0) + 1
        self.ranked = sorted(counts, key=lambda t: (-counts[t], t))
        self.rank = {t: i for i, t in enumerate(self.ranked)}

    def mapping(self, rng):
        """One article's word-for-word mapping: a random shift inside each frequency bucket."""
        shifts = [rng.randrange(self.BUCKET) for _ in range(len(self.ranked) // self.BUCKET + 1)]
        return shifts

    def shifted(self, text, shifts):
        if not self.ranked:
            return text
        size = len(self.ranked)

        def replace(match):
            word = match.group(0)
            rank = self.rank.get(word.lower())
            if rank is None:
                return word
            bucket = rank // self.BUCKET
            start = bucket * self.BUCKET
            width = min(self.BUCKET, size - start)
            new = self.ranked[start + (rank - start + shifts[bucket]) % width]
            return new.capitalize() if word[:1].isupper() else new

        return self.token.sub(replace, text)


def fill(rng, pool, length, separator, vocabulary=None, shifts=None):
    """Sentences drawn from `pool` until about `length` characters, read through `vocabulary` moved by
    `shifts` (an article's mapping), escaped for HTML text."""
    chosen = []
    total = 0
    while total < max(length, 8):
        sentence = pool[rng.randrange(len(pool))]
        chosen.append(sentence)
        total += len(sentence)
    text = separator.join(chosen)
    if vocabulary is not None and shifts is not None:
        text = vocabulary.shifted(text, shifts)
    return html.escape(text, quote=False)


def wechat_identity(html):
    """biz, mid, idx, sn as sluice reads them (script variables first, then a link), or None."""
    values = {}
    for name in ("biz", "mid", "idx", "sn"):
        match = re.search(r"""var\s+%s\s*=\s*[^;]*?["']([^"']+)["']""" % name, html)
        if match:
            values[name] = match.group(1)
    if len(values) == 4:
        return tuple(values[n] for n in ("biz", "mid", "idx", "sn"))
    link = re.search(r"__biz=([^&\"']+)(?:&amp;|&)mid=([^&\"']+)(?:&amp;|&)idx=([^&\"']+)(?:&amp;|&)sn=([^&\"'\s]+)", html)
    return link.groups() if link else None


def new_identity(html, rng, number):
    """A new article is a page of its own: its declared canonical URL and og:url name it, and a WeChat article
    keeps the account but gets its own mid and sn. Copies keep what their article declares."""
    token = {"mid": str(rng.randrange(10**9, 10**10)), "sn": "%032x" % rng.getrandbits(128)}
    html = WECHAT_VARIABLE.sub(lambda m: m.group(1) + token[m.group(2)], html)
    html = WECHAT_LINK.sub(lambda m: m.group(1) + token[m.group(2)], html)
    own = f"https://articles.example/a{number:06d}"

    def renamed(tag):
        text = tag.group(0)
        return URL_VALUE.sub(lambda m: m.group(1) + own, text) if DECLARES_URL.search(text) else text

    return LINK_OR_META.sub(renamed, html)


# Per-copy variations of a near duplicate.

def insert_ad(html, rng):
    ad = f'<div class="ad-slot" id="ad{rng.randrange(10**6)}"><a href="/ad/{rng.randrange(1000)}"><p>{rng.choice(ADS)}</p></a></div>'
    match = re.search(r"(?i)<body[^>]*>", html)
    at = match.end() if match else 0
    return html[:at] + ad + html[at:]


def change_boilerplate(html, rng, template):
    for old in rng.sample(template.chrome, min(6, len(template.chrome))):
        html = html.replace(">" + old + "<", ">" + rng.choice(BOILERPLATE) + "<", 1)
    return html


def reorder_list(html, rng):
    lists = [m for m in re.finditer(r"(?is)<ul\b[^>]*>(.*?)</ul>", html) if len(re.findall(r"(?i)<li\b", m.group(1))) >= 3]
    if not lists:
        return insert_ad(html, rng)
    chosen = rng.choice(lists)
    items = re.findall(r"(?is)<li\b.*?(?=<li\b|$)", chosen.group(1))
    if len(items) < 3:
        return insert_ad(html, rng)
    rng.shuffle(items)
    return html[:chosen.start(1)] + "".join(items) + html[chosen.end(1):]


def edit_text(texts, rng, pool, separator):
    """A small change of the article: a short run of one long paragraph rewritten."""
    texts = list(texts)
    index = max(range(len(texts)), key=lambda i: len(texts[i]))
    text = texts[index]
    span = max(8, len(text) // 30)
    start = rng.randrange(max(1, len(text) - span))
    texts[index] = text[:start] + fill(rng, pool, span, separator)[:span] + text[start + span:]
    return texts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--urls", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261206)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    corpus = Path(arguments.corpus)
    metas = []
    templates = []
    for meta_path in sorted(corpus.glob("*/*.json")):
        page = meta_path.with_suffix(".html")
        if not page.exists():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("synthetic") or "html" not in str(meta.get("format") or "html").lower():
            continue
        metas.append(meta)
        template = Template(page, meta)
        if template.usable:
            templates.append(template)
    if not templates:
        sys.exit(f"make_corpus: no usable page (HTML with a ground-truth body) in {corpus}")
    pools = sentence_pools(metas)
    vocabularies = {lang: Vocabulary(pool, lang) for lang, pool in pools.items()}

    total_urls = arguments.urls
    files = min(MAX_FILES, round(total_urls * FILES_PER_URL))
    near = round(files * NEAR_SHARE)
    mirrors = round(files * MIRROR_SHARE)
    articles = files - near - mirrors
    out = Path(arguments.out)
    site = out / "site"
    site.mkdir(parents=True, exist_ok=True)

    clusters = []          # per article: list of URL paths
    file_of = {}           # URL path -> file path (relative to site)
    identities = {}        # WeChat identity -> first cluster
    merged = {}            # cluster -> cluster it joins (same WeChat identity)
    article_texts = []

    def write(relative, html, codec):
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(html.encode(codec, errors="xmlcharrefreplace"))

    for number in range(articles):
        template = templates[number % len(templates)]
        pool = pools[template.lang] or pools["zh"] or pools["other"]
        separator = "" if template.lang == "zh" else " "
        vocabulary = vocabularies[template.lang] if pools[template.lang] else None
        shifts = vocabulary.mapping(rng) if vocabulary else None
        texts = [fill(rng, pool, length, separator, vocabulary, shifts) for length in template.main_lengths]
        title = fill(rng, pool, 12, separator, vocabulary, shifts)[:60]
        html = new_identity(template.article(texts, title), rng, number)
        host = f"site{number % len(templates):03d}"
        relative = f"{host}/a{number:06d}.html"
        write(relative, html, template.codec)
        path = "/" + relative
        clusters.append([path])
        file_of[path] = relative
        article_texts.append((template, texts, title))
        identity = wechat_identity(html)
        if identity is not None:
            if identity in identities:
                merged[number] = identities[identity]
            else:
                identities[identity] = number

    for copy in range(near):
        number = rng.randrange(articles)
        template, texts, title = article_texts[number]
        pool = pools[template.lang] or pools["zh"] or pools["other"]
        separator = "" if template.lang == "zh" else " "
        variations = rng.sample(["ad", "boilerplate", "list", "edit"], 2)
        if "edit" in variations:
            texts = edit_text(texts, rng, pool, separator)
        html = template.article(texts, title)
        for variation in variations:
            if variation == "ad":
                html = insert_ad(html, rng)
            elif variation == "boilerplate":
                html = change_boilerplate(html, rng, template)
            elif variation == "list":
                html = reorder_list(html, rng)
        relative = f"repost{copy % 40:02d}/n{copy:06d}.html"
        write(relative, html, template.codec)
        clusters[number].append("/" + relative)
        file_of["/" + relative] = relative

    for copy in range(mirrors):
        number = rng.randrange(articles)
        source = file_of[clusters[number][0]]
        relative = f"mirror{copy % 20:02d}/m{copy:06d}-{source.replace('/', '-')}"
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(site / source, target)
        clusters[number].append("/" + relative)
        file_of["/" + relative] = relative

    all_files = [path for cluster in clusters for path in cluster]
    tracking = []
    for variant in range(total_urls - len(all_files)):
        base = all_files[rng.randrange(len(all_files))]
        url = base + "?" + rng.choice(TRACKING).format(n=variant)
        file_of[url] = file_of[base]
        tracking.append((base, url))

    cluster_of = {}
    for number, cluster in enumerate(clusters):
        root = merged.get(number, number)
        for path in cluster:
            cluster_of[path] = root
    for base, url in tracking:
        cluster_of[url] = cluster_of[base]

    urls = list(cluster_of)
    rng.shuffle(urls)
    (out / "urls.txt").write_text("".join(u + "\n" for u in urls), encoding="utf-8")
    (out / "files.txt").write_text("".join(str(site / file_of[u]) + "\n" for u in urls), encoding="utf-8")
    (out / "truth.tsv").write_text("".join(f"{u}\t{cluster_of[u]}\n" for u in urls), encoding="utf-8")
    sizes = {}
    for root in cluster_of.values():
        sizes[root] = sizes.get(root, 0) + 1
    pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    summary = {"urls": len(urls), "files": len(set(file_of.values())), "articles": articles, "near_duplicates": near,
               "mirrors": mirrors, "tracking_variants": len(tracking), "templates": len(templates),
               "wechat_merged": len(merged), "clusters": len(sizes), "duplicate_pairs": pairs,
               "bytes": sum((site / f).stat().st_size for f in set(file_of.values()))}
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
