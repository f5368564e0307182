#!/usr/bin/env python3
"""Compare guidebook's site of a book with mdBook's, page by page.

    compare-mdbook.py [--json FILE] [-q] GUIDEBOOK_SITE MDBOOK_SITE [NAME]

Reads the two output folders (run by compare-mdbook.sh, which builds them)
and compares every chapter page (each .html but print, toc, 404 and
guidebook's status page) by five measures:

  pages      the page exists in both sites
  headings   the same headings (level and text), in order
  blocks     the same number of code blocks (<pre>)
  lines      the same visible lines in each block (hidden lines, mdBook's
             `boring` spans and guidebook's hidden ones, left out)
  words      the same words of prose (text outside code blocks), in order

The content compared is mdBook's <main> and guidebook's
<article class="content">, without what each theme adds (guidebook's
check badges and heading anchors). Prints one line per book and the
differences; exit 0 whatever they are (it measures, it does not judge).
"""

import json
import os
import re
import sys
from html.parser import HTMLParser

SPECIAL = {"print.html", "toc.html", "404.html", "status.html"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
MEASURES = ["headings", "blocks", "lines", "words"]


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []

    def classes(self):
        return (self.attrs.get("class") or "").split()


class Tree(HTMLParser):
    """Just enough of a DOM: elements, their attributes and text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        node = self.cur
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def find(node, pred):
    if isinstance(node, str):
        return None
    if pred(node):
        return node
    for child in node.children:
        hit = find(child, pred)
        if hit is not None:
            return hit
    return None


def dropped(node):
    """What a theme adds around the content."""
    cls = node.classes()
    return (
        "check" in cls  # guidebook's badge of a checked block
        or (node.tag == "a" and "anchor" in cls)  # guidebook's heading "#"
        or node.tag in ("script", "style", "button", "svg")
    )


def hidden(node):
    """A hidden line of a code block: mdBook's `<span class="boring">`,
    guidebook's span with a `hidden` class. (A block's own classes, such
    as mdBook's `language-sh hidden` for ```` ```sh hidden ````, are not
    hidden lines.)"""
    cls = node.classes()
    return node.tag == "span" and ("boring" in cls or any("hidden" in c for c in cls))


def text(node, skip=hidden):
    if isinstance(node, str):
        return node
    if dropped(node) or skip(node):
        return ""
    return "".join(text(c, skip) for c in node.children)


def measure(html):
    """The measures of one page's content, or None when it has none."""
    tree = Tree(html).root
    main = find(tree, lambda n: n.tag == "article" and "content" in n.classes())
    if main is None:
        main = find(tree, lambda n: n.tag == "main")
    if main is None:
        return None
    headings, blocks, prose = [], [], []

    def walk(node):
        if isinstance(node, str):
            prose.append(node)
            return
        if dropped(node):
            return
        if re.fullmatch(r"h[1-6]", node.tag):
            headings.append(f"{node.tag}: {' '.join(text(node).split())}")
        if node.tag == "pre":
            code = text(node)
            lines = [line.rstrip() for line in code.split("\n")]
            while lines and not lines[-1].strip():
                lines.pop()
            blocks.append(lines)
            prose.append(" ")
            return
        for child in node.children:
            walk(child)
        prose.append(" ")

    walk(main)
    return {
        "headings": headings,
        "blocks": len(blocks),
        "lines": blocks,
        "words": "".join(prose).split(),
    }


def pages(site):
    out = {}
    for folder, dirs, files in os.walk(site):
        for name in files:
            if not name.endswith(".html") or (name in SPECIAL and folder == site):
                continue
            path = os.path.join(folder, name)
            out[os.path.relpath(path, site)] = path
    return out


def first_difference(a, b):
    if isinstance(a, int):
        return f"{a} vs {b}"
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            if isinstance(x, list):
                return f"block {i + 1}: {first_difference(x, y)}"
            return f"#{i + 1}: {x!r} vs {y!r}"
    return f"{len(a)} vs {len(b)} items"


def compare(gsite, msite, name):
    g, m = pages(gsite), pages(msite)
    common = sorted(set(g) & set(m))
    result = {
        "book": name,
        "mdbook_pages": len(m),
        "guidebook_pages": len(g),
        "common": len(common),
        "only_mdbook": sorted(set(m) - set(g)),
        "only_guidebook": sorted(set(g) - set(m)),
        "agree": {k: 0 for k in MEASURES},
        "differences": [],
    }
    for page in common:
        with open(g[page], encoding="utf-8", errors="replace") as f:
            gm = measure(f.read())
        with open(m[page], encoding="utf-8", errors="replace") as f:
            mm = measure(f.read())
        if gm is None or mm is None:
            result["differences"].append(f"{page}: no content found")
            continue
        for k in MEASURES:
            if gm[k] == mm[k]:
                result["agree"][k] += 1
            else:
                # mdBook first, then guidebook.
                result["differences"].append(
                    f"{page}: {k}: {first_difference(mm[k], gm[k])}"
                )
    return result


def strip_toml(path):
    """Rewrite the book.toml at `path` without guidebook's own keys (the
    [check] tables; strict, link-check-outside-src and link-exclude of
    [build]), which mdBook 0.5 refuses."""
    own = ("strict", "link-check-outside-src", "link-exclude")
    out, table, depth = [], "", 0
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    for line in lines:
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if depth == 0 and header:
            table = header.group(1)
        if table == "check" or table.startswith("check."):
            continue
        key = re.match(r"^([A-Za-z0-9_.-]+)\s*=", stripped)
        if depth > 0 or (
            key and (table == "build" and key.group(1) in own
                     or table == "" and key.group(1).split(".")[0] == "check"
                     or table == "" and key.group(1) in ("build." + k for k in own))
        ):
            depth += stripped.count("[") - stripped.count("]")
            depth = max(depth, 0)
            continue
        out.append(line)
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(out)


def summary(jsonl):
    """Totals of the results in the file `jsonl`, as a table."""
    rows = [json.loads(l) for l in open(jsonl, encoding="utf-8") if l.strip()]
    total = {k: 0 for k in MEASURES}
    common = pages_m = pages_g = 0
    for r in rows:
        common += r["common"]
        pages_m += r["mdbook_pages"]
        pages_g += r["guidebook_pages"]
        for k in MEASURES:
            total[k] += r["agree"][k]
    print()
    print(f"{'measure':<10} {'pages agreeing':>15}")
    print(f"{'pages':<10} {common:>6} common of {pages_m} mdBook, {pages_g} guidebook")
    for k in MEASURES:
        print(f"{k:<10} {total[k]:>6} / {common}")
    print(f"books compared: {len(rows)}")


def main(argv):
    if argv[:1] == ["strip-toml"]:
        return strip_toml(argv[1])
    if argv[:1] == ["summary"]:
        return summary(argv[1])
    quiet = "-q" in argv
    argv = [a for a in argv if a != "-q"]
    json_out = None
    if "--json" in argv:
        i = argv.index("--json")
        json_out = argv[i + 1]
        del argv[i:i + 2]
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    name = argv[2] if len(argv) == 3 else argv[1]
    r = compare(argv[0], argv[1], name)
    agree = " ".join(f"{k} {r['agree'][k]}/{r['common']}" for k in MEASURES)
    print(
        f"{name}: pages {r['common']} common of {r['mdbook_pages']} mdBook,"
        f" {r['guidebook_pages']} guidebook; agree: {agree}"
    )
    if not quiet:
        for p in r["only_mdbook"]:
            print(f"  only in mdBook: {p}")
        for p in r["only_guidebook"]:
            print(f"  only in guidebook: {p}")
        for d in r["differences"]:
            print(f"  {d} (mdBook vs guidebook)")
    if json_out:
        with open(json_out, "a") as f:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
