"""The search index: plain functions, testable without a build (search.py wires them into Sphinx).

A page is read into *blocks*: its introduction (block 0, under the page title) and then each section
(h2, h3) or glossary term, with its id, heading and text. Words are lower-cased, apostrophes
dropped, and reduced to their Porter2 stem, as kb-search.js does with a reader's words.

Private by construction: which files a search downloads never depends on what was typed. Every
kind of data is written in *parts* of bounded size: ``count`` files, and a ``fetch`` number. When a
kind has no more parts than ``fetch`` (every kind, on a site of a few dozen essays), the browser
loads all of them when search opens, the same files whoever searches for whatever. On a large site
a question loads exactly ``fetch`` parts of a kind: those its words need (as many as fit), the rest
chosen at random, fetched in the order of their numbers and never stored by the browser; so the
host sees how many times a reader searched and a set of parts that holds the words among many
others, never which. What the build writes under ``<site>/<BUNDLE_DIR>/``, all of it JSON:

- ``index.json``: what every query needs first: the number of pages, each page's length in words
  (for BM25), the stems on most pages with their page counts (``common``), the parts of each kind
  (``parts``), the help pages (``help``: address -> page number, for results under the help card)
  and the ``format`` of all the files (``index_format()`` below): the browser reads the files by
  it and has no layout of its own.
- ``w/<part>.json``: the stems whose ``fnv1a(stem) % count`` is the part, each with the pages that
  hold it and, per page, which of title, summary and tags hold it (bits 1, 2, 4) and how often it
  occurs in the body and in the heading of each block.
- ``p/<part>.json``: the pages whose number modulo the part count is the part, each as the results
  show it: {page number: address, title, summary, themes, tags and blocks}.
- ``filters.json``: the pages of each theme and tag, loaded when a filter is opened.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import itemgetter

import snowballstemmer
from docutils import nodes
from sphinx import addnodes

APOSTROPHES = re.compile(r"['’‘`]")
NON_WORD = re.compile(r"[\W_]+")
FIELD_BITS = {"title": 1, "summary": 2, "tags": 4}
# A posting row is [page, field bits, then per block: block number, body count, heading count].
ROW_BLOCKS = 2           # where the blocks begin in a posting row (after page and field bits)
BLOCK_STRIDE = 3         # numbers per block, in this order:
BLOCK_LAYOUT = {"block": 0, "body": 1, "heading": 2}
FILE_NAMES = {"words": "w/{part}.json", "pages": "p/{part}.json",
              "filters": "filters.json", "index": "index.json", "lexicon": "lexicon.json",
              "sectionVectors": "m/s/{part}.json", "basis": "m/basis.json"}
# Parts: a kind whose files, all together, are at most WHOLE_BYTES is one file, loaded whole when
# search opens (a real site of 40 essays: words 340 kB, pages 330 kB, about 180 kB gzipped in
# all). A larger kind is cut into parts of about PART_BYTES, and a question fetches FETCH of them.
WHOLE_BYTES = {"words": 600_000, "pages": 600_000}
PART_BYTES = {"words": 24_000, "pages": 8_000}
FETCH = {"words": 12, "pages": 8}  # words: up to 10 of a question's words and some synonyms; pages: 6 shown
COMMON_SHARE = 0.5       # a stem on more than half the pages...
COMMON_MIN_PAGES = 100   # ...of at least this many (below, every stem's list is small anyway)


@dataclass
class Block:
    id: str
    heading: str
    text: str = ""


@dataclass
class Page:
    url: str
    title: str
    blocks: list[Block]
    summary: str = ""
    themes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    counts: dict[str, list[int]] | None = None  # block_counts(blocks), when known


# Not text a reader reads on the page.
UNREAD = (nodes.Invisible, nodes.raw, nodes.system_message, nodes.image, addnodes.toctree)


def blocks_of(doctree: nodes.document) -> list[Block]:
    """A page's blocks as the reader sees them, from its doctree as read (before any placeholder
    is filled): the introduction under the title, then each section and glossary term with its id."""
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return []
    blocks = [Block("", top[0].astext() if isinstance(top[0], nodes.title) else "")]

    def heading_of(section: nodes.section) -> str:
        return section[0].astext() if section.children and isinstance(section[0], nodes.title) else ""

    def add(block: Block, text: str) -> None:
        block.text = f"{block.text} {' '.join(text.split())}".strip()

    def walk(node: nodes.Element, block: Block) -> None:
        for child in node.children:
            if isinstance(child, nodes.section):
                sid = child.get("kb_id") or (child["ids"][0] if child["ids"] else "")
                blocks.append(inner := Block(sid, heading_of(child)))
                walk(child, inner)
            elif isinstance(child, nodes.title) and isinstance(node, nodes.section):
                continue  # the block's heading
            elif isinstance(child, nodes.definition_list_item) and child.next_node(nodes.term) is not None \
                    and child.next_node(nodes.term)["ids"]:  # a glossary term: linkable on its own
                terms = [term for term in child.children if isinstance(term, nodes.term)]
                blocks.append(inner := Block(terms[0]["ids"][0], " ".join(t.astext() for t in terms)))
                for definition in child.findall(nodes.definition):
                    walk(definition, inner)
            elif isinstance(child, UNREAD):
                continue
            elif isinstance(child, nodes.TextElement):
                add(block, child.astext())
            elif isinstance(child, nodes.Element):
                walk(child, block)

    walk(top, blocks[0])
    return blocks


def words(text: str) -> list[str]:
    return [w for w in NON_WORD.split(APOSTROPHES.sub("", text.lower())) if w]


class Stemmer:
    """Snowball's English (Porter2) stemmer, each distinct word stemmed once."""

    def __init__(self):
        self._stem = snowballstemmer.stemmer("english").stemWord
        self._seen: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._seen.get(word)
        if stem is None:
            stem = self._seen[word] = self._stem(word)
        return stem


def index_format() -> dict:
    """The layout above, as ``index.json`` declares it to the browser: the search's reader.js has no
    layout of its own (tests/test_search_contract.py checks that the two sides agree)."""
    return {"fieldBits": FIELD_BITS, "rowBlocks": ROW_BLOCKS,
            "blockStride": BLOCK_STRIDE, "block": BLOCK_LAYOUT, "files": FILE_NAMES}


def meaning_header(meaning) -> dict | None:
    """What index.json says of the meaning layer (meaning.py): vector length (the directions of
    ``basis``, onto which the browser projects the question's vector when the reader has loaded the
    model), the section groups' centres and how many a question probes, and the parts of the section
    vectors (``parts``, as for the words). The vectors are 8-bit integers, base64-encoded."""
    if meaning is None:
        return None
    return {"dims": meaning.dims, "probe": meaning.probe, "centroids": meaning.centroids,
            "parts": {"sectionVectors": {"count": len(meaning.groups), "fetch": meaning.group_fetch}}}


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over UTF-8: which part holds a word or stem (reader.js computes the same)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def part_count(kind: str, total_bytes: int) -> int:
    """How many parts a kind of ``total_bytes`` is cut into: 1 (loaded whole) when it is small, else a
    power of two giving parts of about PART_BYTES."""
    if total_bytes <= WHOLE_BYTES[kind]:
        return 1
    return 1 << max(0, (-(-total_bytes // PART_BYTES[kind]) - 1).bit_length())


def page_length(counts: dict[str, list[int]]) -> int:
    """A page's length in words (its headings, not its title, included), from its block counts."""
    body, heading = BLOCK_LAYOUT["body"], BLOCK_LAYOUT["heading"]
    numbers = list(chain.from_iterable(counts.values()))  # one flat list: the sums below run in C
    return sum(numbers[body::BLOCK_STRIDE]) + sum(numbers[heading::BLOCK_STRIDE])


def block_counts(blocks: list[Block], stem: Stemmer) -> dict[str, list[int]]:
    """{stem: [block, body count, heading count, block, ...]}: a page's words, block by block.
    (Block 0's heading is the page title, counted as a field, not as a heading.)"""
    found: dict[str, list[int]] = {}
    for index, block in enumerate(blocks):
        counts = Counter(stem(w) for w in words(block.text))
        heads = Counter(stem(w) for w in words(block.heading)) if index else Counter()
        for s in sorted(counts.keys() | heads.keys()):
            found.setdefault(s, []).extend(block_entry(index, counts[s], heads[s]))
    return found


def block_entry(block: int, body: int, heading: int) -> list[int]:
    """One block's numbers in a posting row, laid out as ``BLOCK_LAYOUT`` says."""
    entry = [0] * BLOCK_STRIDE
    for name, value in (("block", block), ("body", body), ("heading", heading)):
        entry[BLOCK_LAYOUT[name]] = value
    return entry


def counts_of(page: Page, stem: Stemmer) -> dict[str, list[int]]:
    """The page's block counts: as counted when it was read, or counted now."""
    return page.counts if page.counts is not None else block_counts(page.blocks, stem)


def page_rows(number: int, page: Page, stem: Stemmer) -> dict[str, list[int]]:
    """The page's row under each of its stems: [page, field bits, block, body count, heading count,
    block, ...]. A page's block counts are taken from ``page.counts`` when it has them."""
    bits: dict[str, int] = defaultdict(int)
    for name, bit in FIELD_BITS.items():
        value = {"title": page.title, "summary": page.summary, "tags": " ".join(page.tags)}[name]
        for s in {stem(w) for w in words(value)}:
            bits[s] |= bit
    rows = {s: [number, bits.pop(s, 0), *row] for s, row in counts_of(page, stem).items()}
    rows.update((s, [number, bit]) for s, bit in bits.items())  # words only in the title, summary or tags
    return rows


def postings(pages: list[Page], stem: Stemmer) -> dict[str, list[list[int]]]:
    """{stem: [[page, field bits, block, body count, heading count, block, ...], ...]}, pages in order."""
    found: dict[str, list[list[int]]] = defaultdict(list)
    for number, page in enumerate(pages):  # a page adds one row to a stem, so rows stay in page order
        for s, row in page_rows(number, page, stem).items():
            found[s].append(row)
    return dict(sorted(found.items()))


def same_words(old: Page, new: Page) -> bool:
    """Whether the two pages give the same rows at the same number (``page_rows``)."""
    return (old.title == new.title and old.summary == new.summary and old.tags == new.tags
            and (old.counts is new.counts or old.counts == new.counts))


class KeptPostings:
    """``postings`` and each page's length, made again from the last ones this process made: only the
    stems of pages that changed, or moved (a row holds its page's number), are gathered again. At
    1,000 essays the postings are half a million small lists, and a kept preview's edit (essay_kb/
    serve.py) changes a few dozen stems; made whole they were a third of the edit's index. The
    result is always equal to ``postings(pages)`` (tests/test_search.py compares them over edits)."""

    def __init__(self):
        self.pages: list[Page] = []
        self.rows: list[dict[str, list[int]]] = []  # each page's, as page_rows gave them
        self.lengths: list[int] = []
        self.index: dict[str, list[list[int]]] = {}

    def __call__(self, pages: list[Page], stem: Stemmer) -> tuple[dict[str, list[list[int]]], list[int]]:
        """(postings, each page's length in words)."""
        pages = [page if page.counts is not None else replace(page, counts=block_counts(page.blocks, stem)) for page in pages]
        kept = [n < len(self.pages) and same_words(self.pages[n], page) for n, page in enumerate(pages)]
        rows = [self.rows[n] if same else page_rows(n, page, stem) for n, (page, same) in enumerate(zip(pages, kept))]
        lengths = [self.lengths[n] if same else page_length(page.counts)
                   for n, (page, same) in enumerate(zip(pages, kept))]
        gone = set(range(len(self.pages))) - {n for n, same in enumerate(kept) if same}  # old numbers
        added: dict[str, list[list[int]]] = defaultdict(list)
        for number, same in enumerate(kept):
            if not same:
                for s, row in rows[number].items():
                    added[s].append(row)
        index = dict(self.index)
        for s in added.keys() | {s for number in gone for s in self.rows[number]}:
            # Both runs are in page order, so the sort merges them.
            merged = sorted([row for row in self.index.get(s, ()) if row[0] not in gone] + added.get(s, []), key=itemgetter(0))
            if merged:
                index[s] = merged
            else:
                del index[s]
        self.pages, self.rows, self.lengths, self.index = list(pages), rows, lengths, dict(sorted(index.items()))
        return self.index, lengths


def common_stems(index: dict[str, list], page_count: int, share: float = COMMON_SHARE,
                 min_pages: int = COMMON_MIN_PAGES) -> dict[str, int]:
    """Stems on more than ``share`` of the pages: they say little about any page, yet each would be
    the largest part of its file, so they are kept apart and looked up only when a query has nothing
    else."""
    if page_count < min_pages:
        return {}
    return {s: len(rows) for s, rows in index.items() if len(rows) > share * page_count}


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class LastTexts:
    """The JSON text of each value of the last index this process made: a value equal to the one
    under the same key then is not written again. A build's postings are half a million small lists;
    in a process that builds again after an edit (the kept preview, essay_kb/serve.py) all but the
    edited pages' are equal to the last build's. Compared, never assumed: the text is always that of
    the value given."""

    def __init__(self):
        self.last: dict = {}
        self.now: dict = {}

    def dumps(self, key, value) -> str:
        known = self.last.get(key)
        text = known[1] if known is not None and known[0] == value else dumps(value)
        self.now[key] = (value, text)
        return text

    def forget_unused(self) -> None:
        self.last, self.now = self.now, {}


LAST_TEXTS = LastTexts()
KEPT_POSTINGS = KeptPostings()


def joined_object(values: dict[str, str]) -> str:
    """``dumps`` of a dict whose values are already JSON text: the same characters, from the parts."""
    return "{" + ",".join(f"{dumps(key)}:{values[key]}" for key in sorted(values)) + "}"


def bundle_files(pages: list[Page], lexicon: dict[str, str] | None = None, meaning=None,
                 help_pages: list[str] = ()) -> dict[str, str]:
    """Every file of the bundle, by its path inside it. ``lexicon``: lexicon.browser_table();
    ``meaning``: meaning.compute()'s tables (without them, the browser ranks by words alone);
    ``help_pages``: the addresses of the help pages (results under the help card begin with them)."""
    stem = Stemmer()
    pages = [replace(page, counts=counts_of(page, stem)) for page in pages]  # counted once, used twice
    index, lengths = KEPT_POSTINGS(pages, stem)
    common = common_stems(index, len(pages))
    records = [{"url": page.url, "title": page.title, "summary": page.summary, "themes": page.themes,
                "tags": page.tags, "blocks": [[b.id, b.heading, b.text] for b in page.blocks]} for page in pages]
    # Each value is written as JSON once: its length sizes the parts, and the parts are joined from it.
    row_texts = {s: LAST_TEXTS.dumps(("rows", s), rows) for s, rows in index.items()}
    record_texts = {str(number): LAST_TEXTS.dumps(("page", number), record) for number, record in enumerate(records)}
    LAST_TEXTS.forget_unused()
    word_count = part_count("words", sum(len(s) + len(text) for s, text in row_texts.items()))
    page_count = part_count("pages", sum(map(len, record_texts.values())))
    files = {}
    word_parts: list[dict] = [{} for _ in range(word_count)]
    for s, text in row_texts.items():
        word_parts[fnv1a(s) % word_count][s] = text
    files.update({FILE_NAMES["words"].format(part=n): joined_object(part) for n, part in enumerate(word_parts)})
    page_parts: list[dict] = [{} for _ in range(page_count)]
    for number, (key, text) in enumerate(record_texts.items()):
        page_parts[number % page_count][key] = text
    files.update({FILE_NAMES["pages"].format(part=n): joined_object(part) for n, part in enumerate(page_parts)})
    urls = {page.url: number for number, page in enumerate(pages)}
    parts = {"words": {"count": word_count, "fetch": FETCH["words"]}, "pages": {"count": page_count, "fetch": FETCH["pages"]}}
    files[FILE_NAMES["index"]] = dumps({"pages": len(pages), "lengths": lengths,
                                        "common": common, "parts": parts, "format": index_format(),
                                        "help": {url: urls[url] for url in help_pages if url in urls},
                                        "meaning": meaning_header(meaning)})
    files[FILE_NAMES["lexicon"]] = dumps(lexicon or {})
    if meaning is not None:
        files[FILE_NAMES["basis"]] = dumps(meaning.basis)
        files.update({FILE_NAMES["sectionVectors"].format(part=g): dumps(group) for g, group in enumerate(meaning.groups)})
    filters: dict[str, dict[str, list[int]]] = {"theme": defaultdict(list), "tag": defaultdict(list)}
    for number, page in enumerate(pages):
        for key in page.themes:
            filters["theme"][key].append(number)
        for tag in page.tags:
            filters["tag"][tag].append(number)
    files[FILE_NAMES["filters"]] = dumps(filters)
    return files
