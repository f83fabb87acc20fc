#!/usr/bin/env python3
"""Counts the escapes in a Markdown file that change nothing: an escape (a backslash before ASCII
punctuation, or one of the references &lt; &amp; &#126; that sluice writes for < & ~) is needless when the
file, with that one escape undone, renders to the same HTML with cmark (the CommonMark reference
implementation). Prints the count and each needless escape with its line.

    python3 scripts/markdown-escapes.py out/demo/column-2026-12.md
"""
import re
import subprocess
import sys

ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]|&lt;|&amp;|&#126;")
LITERAL = {"&lt;": "<", "&amp;": "&", "&#126;": "~"}


def render(markdown):
    return subprocess.run(["cmark"], input=markdown.encode(), capture_output=True, check=True).stdout


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: markdown-escapes.py FILE.md")
    with open(sys.argv[1], encoding="utf-8") as handle:
        text = handle.read()
    reference = render(text)
    needless = []
    total = 0
    for match in ESCAPE.finditer(text):
        total += 1
        token = match.group()
        undone = text[: match.start()] + LITERAL.get(token, token[1:]) + text[match.end():]
        if render(undone) == reference:
            line = text.count("\n", 0, match.start()) + 1
            needless.append((line, token))
    print(f"{sys.argv[1]}: {total} escapes, {len(needless)} needless (cmark renders the same without them)")
    for line, token in needless:
        print(f"  line {line}: {token}")


if __name__ == "__main__":
    main()
