"""Synthetic knowledge bases for the benchmark (``make bench``) and the sidebar-size test.

``write_corpus(dest, n)`` writes a complete Sphinx source tree that the extension builds with
warnings as errors: the real site's configuration pointed at this tree, six themes, a home page,
a glossary of 30 terms, the link directory, and ``n`` essays (``essays/essay-NNNN.md``) of about
900 words with valid front matter, four ``##`` sections with one or two ``###`` each (all with
unique ``{#ids}``), links to other essays and their sections, and glossary terms.

``write_default_furo_corpus(dest, n)`` writes the same essays for a default Furo build without
the extension (a root toctree of theme pages, each with a toctree of its essays): the baseline the
issue compares against.

Everything is deterministic for a given seed; an essay's text depends only on (seed, its number,
n), so essay 7 reads the same in every corpus of the same size.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ESSAYS_DIR = "essays"
BASE_URL = "https://kb.example.org/"

THEMES = [
    ("the-therapy-relationship", "The therapy relationship",
     "What happens between client and therapist is part of the work. These essays look at the awkward "
     "and painful moments in therapy and how working them through can help."),
    ("patterns-and-attachment", "Patterns and attachment",
     "Old ways of staying close to people outlive the situations that shaped them. These essays look at "
     "common patterns, where they come from and how they loosen."),
    ("families-and-children", "Families and children",
     "Families meet illness, separation and the ordinary storms of growing up. These essays are for "
     "parents and carers who want to talk honestly with children."),
    ("grief-and-loss", "Grief and loss",
     "Grief rarely follows a neat path. These essays are for people living with a death, a diagnosis or a "
     "loss that others may not see."),
    ("starting-and-paying", "Starting and paying for therapy",
     "Finding a therapist and working out how to pay can feel like a lot. These essays walk through fit, "
     "first sessions, insurance and lower-cost options."),
    ("screens-and-privacy", "Screens and privacy",
     "Screens now sit in the middle of many therapy relationships. These essays look at video sessions, "
     "records and what an app can and cannot offer."),
]

GLOSSARY = [
    "Attachment", "Anxious attachment", "Avoidant attachment", "Boundaries", "Confidentiality",
    "Countertransference", "Deductible", "Defence", "Empathy", "Enactment", "Frame", "Grief",
    "Insight", "Intake", "Mentalizing", "Mourning", "Out-of-network", "Projection", "Relational therapy",
    "Repair", "Resistance", "Rupture", "Self-compassion", "Shame", "Superbill", "Supervision",
    "Termination", "Transference", "Validation", "Working alliance",
]

# A small vocabulary of plain prose about therapy; "cancelled" and "session" are in it so the
# benchmark's search query finds something.
OPENERS = ["Often", "Sometimes", "Later", "At first", "Over time", "In practice", "For many people",
           "Even so", "Still", "Gradually", "In therapy", "Week after week", "Now and then", "Quite often"]
SUBJECTS = ["a client", "the therapist", "many people", "a parent", "the family", "a partner", "a friend",
            "someone in grief", "a teenager", "a new client", "the couple", "an adult child", "the group",
            "a carer"]
VERBS = ["notices", "remembers", "questions", "avoids", "names", "repairs", "explores", "carries",
         "shares", "misses", "welcomes", "returns to", "talks about", "worries about", "understands",
         "puts into words", "makes room for", "wonders about"]
OBJECTS = ["a cancelled session", "the silence", "an old pattern", "the first meeting", "a difficult feeling",
           "the fee", "a small rupture", "the ending", "a boundary", "the waiting room", "an apology",
           "a hard truth", "the next appointment", "a quiet hurt", "the holiday break", "a late reply",
           "the missed session", "an unspoken rule", "a moment of anger", "the old family story",
           "a new diagnosis", "a changed plan", "the shared hour", "a sense of relief"]
TAILS = ["after a long week", "without much warning", "in the middle of the hour", "over several months",
         "with some relief", "more slowly than expected", "when the room feels safe", "before the holidays",
         "with a trusted person", "in plain words", "at the end of the session", "for the first time",
         "without blame", "as the weeks go by", "in small steps", "at home and at work"]
ASIDES = ["and that is normal", "which can feel strange", "even when it is hard to say",
          "and nobody has to be perfect", "which takes time", "and the feeling usually passes",
          "though it rarely feels simple", "and it is worth saying out loud"]
GERUNDS = ["Noticing", "Naming", "Talking about", "Living with", "Making sense of", "Coming back to",
           "Repairing", "Understanding", "Waiting for", "Preparing for", "Letting go of", "Staying with"]
TAGS = ["rupture", "repair", "honesty", "grief", "children", "insurance", "fees", "video", "privacy",
        "attachment", "conflict", "endings", "first session", "shame", "boundaries", "parenting",
        "illness", "anger", "trust", "silence"]
LINK_TEXTS = ["a related essay", "another essay", "the essay on this", "a longer look at this",
              "what happens next", "a different angle on this"]


def essay_docname(number: int) -> str:
    return f"{ESSAYS_DIR}/essay-{number:04d}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _rng(seed: int, number: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{number}:{part}")


def essay_outline(seed: int, number: int) -> dict:
    """Title and headings of one essay: [(level, id, title)]. Depends only on (seed, number)."""
    rng = _rng(seed, number, "outline")
    title = f"Essay {number}: {rng.choice(GERUNDS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
    headings = []
    gerunds = rng.sample(GERUNDS, 4)
    for h2 in range(1, 5):
        text = f"{gerunds[h2 - 1]} {rng.choice(OBJECTS)}"
        headings.append((2, f"e{number:04d}-{h2}-{_slug(text)}", text))
        for h3 in range(1, rng.choice((1, 2)) + 1):
            text = f"{rng.choice(OBJECTS).capitalize()} {rng.choice(TAILS)}"
            headings.append((3, f"e{number:04d}-{h2}-{h3}-{_slug(text)}", text))
    return {"title": title, "headings": headings}


# -- Body text --------------------------------------------------------------------------------------
# Sentences come from a word-pair (bigram) model of the real essays in docs/essays/, so the words,
# how often each occurs and how they spread over pages follow the real collection: a few words on
# every page, most on few. Each synthetic essay leans on one real essay (its topic), as a real
# collection's essays each have their own subject. The real essays know about 2,000 distinct words,
# fewer than a real collection of 1,000 essays would, so every word's list of pages is longer than
# it would be there: figures measured on this corpus err on the large side.
TOPIC_SHARE = 0.6          # of the word choices made from the topic essay's own word pairs
SENTENCE_WORDS = (6, 28)   # shortest and longest generated sentence
PROSE_SOURCE = REPO / "docs" / ESSAYS_DIR
MARKUP_LINE = re.compile(r"^\s*(---|\{#|#|:::|```|[-*]\s*$|\w+:\s)")
WORD_OK = re.compile(r"^[A-Za-z][A-Za-z'’-]*[,;:.?!]?$")


class ProseModel:
    """Word pairs of the real essays: for each word, the words that follow it, overall and per essay."""

    def __init__(self, texts: list[str]):
        self.overall: dict[str, list[str]] = {}
        self.topics: list[dict[str, list[str]]] = []
        for text in texts:
            topic: dict[str, list[str]] = {}
            for sentence in self.sentences(text):
                for before, after in zip(["<s>", *sentence], [*sentence, "</s>"]):
                    topic.setdefault(before, []).append(after)
                    self.overall.setdefault(before, []).append(after)
            self.topics.append(topic)

    @staticmethod
    def sentences(text: str) -> list[list[str]]:
        """The plain words of an essay's prose (no front matter, markup, links or roles), by sentence."""
        body = text.split("\n---\n", 1)[-1]
        lines = [line.lstrip("-*0123456789. ") for line in body.splitlines() if not MARKUP_LINE.match(line)]
        prose = " ".join(lines)
        prose = re.sub(r"\{[a-z-]+\}`([^`<]*?)\s*(<[^>]*>)?`", r"\1", prose)  # {term}`x <X>` -> x
        prose = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", prose)                 # [text](url) -> text
        prose = re.sub(r"[*_`\"“”()]", "", prose)
        out = []
        for sentence in re.split(r"(?<=[.?!])\s+", prose):
            words = sentence.split()
            if len(words) >= 4 and all(WORD_OK.match(w) for w in words):
                out.append(words)
        return out

    def sentence(self, rng: random.Random, topic: int) -> str:
        own = self.topics[topic % len(self.topics)]
        for _ in range(20):
            words, word = [], "<s>"
            while len(words) < SENTENCE_WORDS[1]:
                table = own if word in own and rng.random() < TOPIC_SHARE else self.overall
                word = rng.choice(table[word])
                if word == "</s>":
                    break
                words.append(word)
            if len(words) >= SENTENCE_WORDS[0] and word == "</s>":
                text = " ".join(words).rstrip(",;:")
                text = text if text[-1] in ".?!" else text + "."
                return text[0].upper() + text[1:]
        return "Take your time with this."


_MODEL: ProseModel | None = None


def prose_model() -> ProseModel:
    global _MODEL
    if _MODEL is None:
        _MODEL = ProseModel([path.read_text(encoding="utf-8") for path in sorted(PROSE_SOURCE.glob("*.md"))])
    return _MODEL


def _sentence(rng: random.Random, topic: int = 0) -> str:
    return prose_model().sentence(rng, topic)


def _paragraph(rng: random.Random, topic: int = 0) -> str:
    return " ".join(_sentence(rng, topic) for _ in range(rng.randint(2, 4)))


def essay_front_matter(seed: int, number: int) -> dict:
    """Home theme round-robin (so every theme has essays at any size), sometimes a second theme."""
    rng = _rng(seed, number, "front")
    keys = [key for key, _, _ in THEMES]
    home = keys[(number - 1) % len(keys)]
    themes = [home] + ([rng.choice([k for k in keys if k != home])] if rng.random() < 0.4 else [])
    published = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2000))
    reviewed = published + dt.timedelta(days=rng.randrange(30, 400)) if rng.random() < 0.5 else None
    if reviewed is None:  # every essay has a review date; its own stream leaves the others' text as it was
        reviewed = published + dt.timedelta(days=_rng(seed, number, "review").randrange(30, 400))
    summary = " ".join(_sentence(rng).rstrip(".").split()[:24]) + "."
    return {"summary": summary, "themes": themes, "published": published.isoformat(),
            "reviewed": reviewed.isoformat(), "tags": rng.sample(TAGS, rng.randint(2, 4))}


def essay_text(seed: int, number: int, n_essays: int) -> str:
    rng = _rng(seed, number, f"body:{n_essays}")
    outline = essay_outline(seed, number)
    front = essay_front_matter(seed, number)
    # Paragraphs: two before the first section, two under each ##, one or two under each ###.
    topic = _rng(seed, number, "topic").randrange(len(prose_model().topics))
    blocks: list[list] = [["intro", [_paragraph(rng, topic), _paragraph(rng, topic)]]]
    for level, sid, title in outline["headings"]:
        count = 2 if level == 2 else rng.choice((1, 2))
        blocks.append([(level, sid, title), [_paragraph(rng, topic) for _ in range(count)]])
    paragraphs = [(b, i) for b, (_, texts) in enumerate(blocks) for i in range(len(texts))]

    others = [k for k in range(1, n_essays + 1) if k != number]
    targets = rng.sample(others, min(len(others), rng.randint(2, 3)))
    for position, target in enumerate(targets):
        link = f"essay-{target:04d}.md"
        if position == 0:  # at least one link goes to a section of the other essay
            h2s = [sid for level, sid, _ in essay_outline(seed, target)["headings"] if level == 2]
            link += f"#{rng.choice(h2s)}"
        b, i = rng.choice(paragraphs)
        blocks[b][1][i] += f" You may want to read [{rng.choice(LINK_TEXTS)}]({link})."
    for term in rng.sample(GLOSSARY, rng.randint(2, 3)):
        b, i = rng.choice(paragraphs)
        shown = f"{term.lower()} <{term}>" if rng.random() < 0.5 else term
        blocks[b][1][i] += f" This is sometimes called {{term}}`{shown}`."

    fm = [f"summary: {json.dumps(front['summary'])}", f"themes: [{', '.join(front['themes'])}]",
          f"published: {front['published']}", f"reviewed: {front['reviewed']}"]
    fm.append(f"tags: [{', '.join(front['tags'])}]")
    out = ["---", *fm, "---", "", f"# {outline['title']}", ""]
    for head, texts in blocks:
        if head != "intro":
            level, sid, title = head
            out += [f"{{#{sid}}}", f"{'#' * level} {title}", ""]
        for text in texts:
            out += [text, ""]
    return "\n".join(out)


def themes_yaml() -> str:
    lines = ["# Six themes for the synthetic knowledge base."]
    for key, title, description in THEMES:
        lines += [f"- key: {key}", f"  title: {title}", f"  description: {description}"]
    return "\n".join(lines) + "\n"


def glossary_md(seed: int, n_essays: int) -> str:
    rng = random.Random(f"{seed}:glossary:{n_essays}")
    out = ["---", "summary: Plain definitions of the words used across these essays.", "---", "",
           "# Glossary", "", "Short, plain meanings for words that come up often in the essays.", "",
           ":::{glossary}"]
    for term in GLOSSARY:
        target = rng.randint(1, n_essays)
        out += [term, f"  {_sentence(rng)} {_sentence(rng)} See [essay {target}]({essay_docname(target)}.md).", ""]
    out.append(":::")
    return "\n".join(out) + "\n"


def index_md(*, toctree: list[str] | None = None) -> str:
    out = ["---", "summary: Plain-language essays about therapy, relationships, family, grief and finding care.",
           "---", "", "# Essays on therapy and relationships", "",
           "These essays come from a practice that works in a relational way. Read them in any order; "
           "each belongs to a theme, and every section has its own link.", "",
           "If a term is unfamiliar, the [glossary](glossary.md) explains it in plain words.", "",
           "## Browse by theme", ""]
    if toctree is None:
        out += ["```{kb-theme-index}", "```"]
    else:
        out += ["```{toctree}", ":maxdepth: 1", "", *toctree, "```"]
    return "\n".join(out) + "\n"


LINKS_MD = """---
summary: Every essay and every section with its permanent link, a copy button and a QR code.
---

# Links for therapists

Each essay and each of its sections has a permanent address. Press **Copy link** next to one and
paste it into an email, a text or a patient portal.

```{kb-link-directory}
```
"""

REDIRECTS_HEADER = "# Redirects for moved pages and sections: old address: new address.\n"
LEDGER_HEADER = "# Every page and section address this site has ever published, one per line.\n"

CONF_PY = '''"""Synthetic knowledge base written by tests/synthetic.py: the real site's conf.py, pointed at
this tree, so the benchmark measures the site as it is configured."""

import os
import runpy
import sys

REPO = {repo!r}
sys.path.insert(0, REPO)
for _name, _value in runpy.run_path(os.path.join(REPO, "conf.py")).items():
    if not _name.startswith("_") and not isinstance(_value, type(os)):
        globals()[_name] = _value
# Paths the real configuration names relative to the repository stay there.
for _name in ("templates_path", "html_static_path", "html_extra_path"):
    if _name in globals():
        globals()[_name] = [p if os.path.isabs(p) else os.path.join(REPO, p) for p in globals()[_name]]

html_baseurl = {base_url!r}
kb_themes_file = "themes.yaml"
kb_redirects_file = "redirects.yaml"
kb_ledger_file = "links-ledger.txt"
kb_links_page = "links"
kb_sidebar_pages = ["glossary", "links"]
# The real help pages link to real essays; this tree has neither (the quick exit stays).
kb_help_pages = {{}}
kb_quick_exit_help = ""
exclude_patterns = ["_build"]
'''

DEFAULT_FURO_CONF_PY = '''"""Default Furo build of the synthetic essays (tests/synthetic.py), without essay_kb."""

project = "Synthetic knowledge base"
author = "the practice"
language = "en"
extensions = ["myst_parser"]
myst_enable_extensions = ["attrs_block", "attrs_inline", "colon_fence", "deflist"]
html_theme = "furo"
html_title = project
exclude_patterns = ["_build"]
'''


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_essays(dest: Path, n_essays: int, seed: int) -> None:
    for number in range(1, n_essays + 1):
        _write(dest / f"{essay_docname(number)}.md", essay_text(seed, number, n_essays))


def ledger_text(n_essays: int, seed: int) -> str:
    """Every published address, as `make ledger` would record it, plus the redirected old one."""
    addresses = ["/", "/glossary/", "/links/", "/essays/old-essay-0001/"]
    addresses += [f"/themes/{key}/" for key, _, _ in THEMES]
    for number in range(1, n_essays + 1):
        page = f"/{essay_docname(number)}/"
        addresses.append(page)
        addresses += [f"{page}#{sid}" for _, sid, _ in essay_outline(seed, number)["headings"]]
    return LEDGER_HEADER + "\n".join(sorted(addresses)) + "\n"


def write_corpus(dest: Path, n_essays: int, *, seed: int = 0, settings: dict | None = None) -> Path:
    """A knowledge base of ``n_essays`` essays for the extension; ``settings`` are extra conf values."""
    dest = Path(dest)
    conf = CONF_PY.format(repo=str(REPO), base_url=BASE_URL)
    conf += "".join(f"{name} = {value!r}\n" for name, value in (settings or {}).items())
    _write(dest / "conf.py", conf)
    _write(dest / "themes.yaml", themes_yaml())
    _write(dest / "index.md", index_md())
    _write(dest / "glossary.md", glossary_md(seed, n_essays))
    _write(dest / "links.md", LINKS_MD)
    first = essay_outline(seed, 1)["headings"][0][1]
    _write(dest / "redirects.yaml", REDIRECTS_HEADER + "/essays/old-essay-0001/: /essays/essay-0001/\n"
           f"/essays/essay-0001/#the-old-first-part: /essays/essay-0001/#{first}\n")
    _write(dest / "links-ledger.txt", ledger_text(n_essays, seed))
    _write_essays(dest, n_essays, seed)
    return dest


def write_default_furo_corpus(dest: Path, n_essays: int, *, seed: int = 0) -> Path:
    """The same essays for a default Furo build: theme pages with toctrees, no extension."""
    dest = Path(dest)
    _write(dest / "conf.py", DEFAULT_FURO_CONF_PY)
    _write(dest / "index.md", index_md(toctree=[f"themes/{key}" for key, _, _ in THEMES] + ["glossary"]))
    _write(dest / "glossary.md", glossary_md(seed, n_essays))
    for position, (key, title, description) in enumerate(THEMES):
        members = [essay_docname(k) for k in range(1, n_essays + 1) if (k - 1) % len(THEMES) == position]
        _write(dest / "themes" / f"{key}.md", "\n".join(
            [f"# {title}", "", description, "", "```{toctree}", ":maxdepth: 1", "",
             *[f"/{docname}" for docname in members], "```", ""]))
    _write_essays(dest, n_essays, seed)
    return dest


def edit_essay_body(dest: Path, number: int) -> Path:
    """Add a sentence to the first paragraph of an essay (its title, summary and sections stay)."""
    path = Path(dest) / f"{essay_docname(number)}.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("# ")) + 2
    lines[first] += " This sentence was added to measure an incremental rebuild."
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def edit_essay_title(dest: Path, number: int) -> Path:
    """Change an essay's title (shown on other pages: its theme page, sidebars, related essays)."""
    path = Path(dest) / f"{essay_docname(number)}.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    title = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines[title] += ", revised"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def add_essay(dest: Path, n_essays: int, *, seed: int = 0, toctree: bool = False) -> str:
    """Add essay number ``n_essays + 1``; returns its docname. ``toctree``: also list it on its home
    theme's page (the default Furo corpus, where a page outside every toctree is a warning)."""
    number = n_essays + 1
    _write(Path(dest) / f"{essay_docname(number)}.md", essay_text(seed, number, number))
    if toctree:
        theme = Path(dest) / "themes" / f"{essay_front_matter(seed, number)['themes'][0]}.md"
        text = theme.read_text(encoding="utf-8")
        end = text.rindex("```")
        theme.write_text(text[:end] + f"/{essay_docname(number)}\n" + text[end:], encoding="utf-8")
    return essay_docname(number)
