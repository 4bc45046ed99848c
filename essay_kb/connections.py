"""Connected essays: backlinks ("Referenced in"), related essays, glossary previews.

At read time each page's outgoing links and glossary terms are recorded (``env.kb_links``,
``env.kb_terms``), and the glossary's short definitions (``env.kb_glossary``). Once every page is
read, the backlink index and the related-essays ranking are computed once for the whole site
(``env-updated``); essays show them through placeholders filled at ``doctree-resolved``.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from html import escape

import numpy as np
from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from .collectors import PageDataCollector
from .dependencies import Placeholder, shown
from .model import is_essay
from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

RELATED_MIN, RELATED_MAX = 3, 5
RELATED_BLOCK = 512  # essays ranked at a time (a block's scores: 512 by the number of essays)
# Why these weights: a direct link is the author saying "read this next"; a shared home theme or
# tag is a curated grouping; glossary terms overlap broadly, so each counts least.
WEIGHTS = {"link": 5, "theme": 3, "home": 2, "tag": 2, "term": 1}


class kb_connections(Placeholder):
    """Placeholder at the end of an essay: backlinks and related essays."""


@dataclass(frozen=True)
class Backlink:
    doc: str  # the essay that links here
    title: str
    section: str  # the id of the section the link sits in ("" for the introduction)
    section_title: str


@dataclass(frozen=True)
class TermPreview:
    id: str  # the term's anchor in the glossary
    preview: str  # the first sentence of its definition
    doc: str  # the glossary page


@dataclass(frozen=True)
class ConnectionInputs:
    """What a page shows of other pages through its connections."""

    backlinks: tuple[Backlink, ...] = ()
    related: tuple[tuple[str, str, str], ...] = ()  # (docname, title, summary), best first
    terms: tuple[TermPreview, ...] = ()  # the glossary terms the page links to


# -- reading -------------------------------------------------------------------------------------

def enclosing_section(node) -> tuple[str | None, str | None]:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section) and parent.get("kb_id"):
            return parent["kb_id"], parent[0].astext()
        parent = parent.parent
    return None, None


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


class ConnectionCollector(PageDataCollector):
    """Outgoing links, glossary terms used, and glossary definitions, per document."""

    stores = ("kb_links", "kb_terms", "kb_glossary")

    def process_doc(self, app, doctree):
        env, docname = app.env, app.env.docname
        links, terms = [], set()
        for ref in doctree.findall(addnodes.pending_xref):
            kind = (ref.get("refdomain"), ref.get("reftype"))
            section_id, section_title = enclosing_section(ref)
            where = {"section": section_id, "section_title": section_title, "line": ref.line or 1}
            if kind == ("doc", "myst"):
                links.append({"doc": ref["reftarget"], "id": ref.get("reftargetid") or "", **where})
            elif kind == ("std", "doc"):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(docname), ref["reftarget"]))
                links.append({"doc": target.lstrip("/"), "id": "", **where})
            elif kind == ("std", "ref"):
                links.append({"label": ref["reftarget"].lower(), **where})
            elif kind == ("std", "term"):
                terms.add(ref["reftarget"].lower())
        env.kb_links[docname] = links
        env.kb_terms[docname] = sorted(terms)
        definitions = {}
        for glossary in doctree.findall(addnodes.glossary):
            for item in glossary.findall(nodes.definition_list_item):
                definition = next(iter(item.findall(nodes.definition)), None)
                for term in item.findall(nodes.term):
                    if term["ids"] and definition is not None:
                        definitions[term.astext().lower()] = {
                            "id": term["ids"][0], "term": term.astext(),
                            "preview": first_sentence(definition.astext()),
                        }
        if definitions:
            env.kb_glossary[docname] = definitions


def init_env(app):
    for store in ("kb_links", "kb_terms", "kb_glossary"):
        if not hasattr(app.env, store):
            setattr(app.env, store, {})


# -- the site-wide graph -----------------------------------------------------------------------

def link_target(env, link) -> tuple[str, str] | None:
    if "label" in link:
        found = env.domaindata["std"]["labels"].get(link["label"])
        return (found[0], found[1]) if found else None
    return link["doc"], link["id"]


def essay_links(env) -> dict[str, list[tuple[str, str, dict]]]:
    """For each essay: [(target essay, target id, link)] to *other* essays."""
    out = {}
    for docname in env.kb_essays:
        found = []
        for link in env.kb_links.get(docname, []):
            target = link_target(env, link)
            if target and target[0] in env.kb_essays and target[0] != docname:
                found.append((target[0], target[1], link))
        out[docname] = found
    return out


def compute_backlinks(env) -> dict[str, list[dict]]:
    backlinks = defaultdict(dict)
    for source, links in essay_links(env).items():
        for target, _, link in links:
            key = (source, link["section"] or "")
            backlinks[target].setdefault(key, {
                "doc": source, "section": link["section"] or "", "section_title": link["section_title"] or "",
            })
    return {target: [entries[k] for k in sorted(entries)] for target, entries in backlinks.items()}


def relatedness(a: str, b: str, essays: dict, terms: dict, linked: set[tuple[str, str]]) -> int:
    ea, eb = essays[a], essays[b]
    score = WEIGHTS["theme"] * len(set(ea["themes"]) & set(eb["themes"]))
    score += WEIGHTS["home"] * (ea["themes"][:1] == eb["themes"][:1])
    score += WEIGHTS["tag"] * len(set(ea["tags"]) & set(eb["tags"]))
    score += WEIGHTS["term"] * len(set(terms.get(a, ())) & set(terms.get(b, ())))
    score += WEIGHTS["link"] * (((a, b) in linked) + ((b, a) in linked))
    return score


def features(essay: dict, terms) -> list[tuple[str, object]]:
    """What an essay can share with another, each counted once: (kind, value), kind a WEIGHTS key."""
    return ([("theme", t) for t in sorted(set(essay["themes"]))] + [("home", tuple(essay["themes"][:1]))]
            + [("tag", t) for t in sorted(set(essay["tags"]))] + [("term", t) for t in sorted(set(terms))])


def compute_related(env) -> dict[str, list[str]]:
    """3 to 5 related essays per essay, best first; ties broken by title, so stable.

    The same ranking as ``relatedness`` over every pair, computed as matrix products a block of
    essays at a time: at 10,000 essays every essay shares a theme with a thousand others, so summing
    pair by pair grew with the square of the site in Python (4 s at 2,000 essays); the products
    grow the same way in numbers but cost well under a second there."""
    essays = {d: e for d, e in env.kb_essays.items() if e["valid"]}
    order = sorted(essays, key=lambda d: (essays[d]["title"].casefold(), d))
    n = len(order)
    if n < 2:
        return {d: [] for d in order}
    position = {d: i for i, d in enumerate(order)}
    columns: dict[tuple, int] = {}
    cells = [(i, columns.setdefault(feature, len(columns)))
             for i, d in enumerate(order) for feature in features(essays[d], env.kb_terms.get(d, ()))]
    has = np.zeros((n, max(1, len(columns))), dtype=np.float32)
    if cells:
        has[tuple(np.array(cells).T)] = 1.0
    weighted = has * np.array([WEIGHTS[kind] for kind, _ in columns] or [0], dtype=np.float32)
    # A link either way counts for both ends (and twice when each links to the other).
    ends = [(position[a], position[b]) for a, links in essay_links(env).items() if a in position
            for b in {target for target, _, _ in links} if b in position]
    ends = np.array(ends + [(b, a) for a, b in ends], dtype=np.int64).reshape(-1, 2)
    shown = min(RELATED_MAX, n - 1)
    # Rank by score, then by title order: one number per pair, larger is better (exact in float64).
    tiebreak = np.arange(n, dtype=np.float64)
    related = {}
    for start in range(0, n, RELATED_BLOCK):
        rows = np.arange(start, min(n, start + RELATED_BLOCK))
        scores = (weighted[rows] @ has.T).astype(np.float64)
        in_block = (ends[:, 0] >= rows[0]) & (ends[:, 0] <= rows[-1])
        np.add.at(scores, (ends[in_block, 0] - start, ends[in_block, 1]), WEIGHTS["link"])
        scores[rows - start, rows] = -1.0  # never itself
        key = scores * n - tiebreak
        best = np.argpartition(-key, shown - 1, axis=1)[:, :shown]
        for r, row in enumerate(rows):
            ranked = best[r][np.argsort(-key[r, best[r]], kind="stable")]
            chosen = [order[j] for j in ranked if scores[r, j] > 0]
            # Fewer than the minimum: topped up with unrelated essays, in title order (next in rank).
            related[order[row]] = chosen if len(chosen) >= RELATED_MIN else [order[j] for j in ranked[:RELATED_MIN]]
    return related


def glossary_previews(env) -> dict[str, dict]:
    """term (lowercase) -> {id, term, preview, doc}."""
    return {term: {**entry, "doc": doc} for doc, entries in sorted(env.kb_glossary.items())
            for term, entry in entries.items()}


def update_graph(app, env) -> None:
    env.kb_backlinks = compute_backlinks(env)
    env.kb_related = compute_related(env)


def check_links(app, env) -> None:
    """A link to a missing essay or section: name it and suggest the nearest match."""
    for docname in sorted(env.kb_links):
        for link in env.kb_links[docname]:
            if "label" in link:
                continue  # Sphinx reports unknown labels itself
            target, fragment = link["doc"], link["id"]
            if target not in env.found_docs:
                near = difflib.get_close_matches(target, sorted(env.found_docs), n=1)
                hint = f" Did you mean [{'...'}]({posixpath.relpath(near[0], posixpath.dirname(docname))}.md)?" if near else ""
                logger.warning(
                    f"this links to '{target}', but no such page exists.{hint} Essays are linked as "
                    "[text](other-slug.md).", location=(docname, link["line"]), type="kb", subtype=KbWarning.LINK)
            elif fragment and fragment not in env.kb_anchors.get(target, ()):
                known = env.kb_anchors.get(target, ())
                near = difflib.get_close_matches(fragment, known, n=1)
                hint = f" Did you mean #{near[0]}?" if near else f" Its sections are: {', '.join(known) or 'none'}."
                logger.warning(
                    f"this links to section '#{fragment}' of '{target}', which has no such section.{hint}",
                    location=(docname, link["line"]), type="kb", subtype=KbWarning.LINK)


# -- writing -------------------------------------------------------------------------------------

def add_placeholder(app, doctree) -> None:
    if is_essay(app, app.env.docname):
        doctree.children[-1].append(kb_connections()) if doctree.children else None


def connection_inputs(app, docname: str) -> ConnectionInputs | None:
    env = app.env
    previews = glossary_previews(env)
    terms = tuple(TermPreview(previews[t]["id"], previews[t]["preview"], previews[t]["doc"])
                  for t in env.kb_terms.get(docname, []) if t in previews)
    if docname not in env.kb_essays:
        return ConnectionInputs(terms=terms) if terms else None
    essays = env.kb_essays
    return ConnectionInputs(
        tuple(Backlink(e["doc"], essays[e["doc"]]["title"], e["section"], e["section_title"])
              for e in getattr(env, "kb_backlinks", {}).get(docname, [])),
        tuple((d, essays[d]["title"], essays[d]["summary"]) for d in getattr(env, "kb_related", {}).get(docname, [])),
        terms,
    )


def connections_html(inputs: ConnectionInputs, link) -> str:
    """``link(docname)`` is the page's relative address of another page."""
    parts = []
    if inputs.backlinks:
        items = []
        for entry in inputs.backlinks:
            uri = link(entry.doc) + (f"#{entry.section}" if entry.section else "")
            where = f' <span class="kb-where">in “{escape(entry.section_title)}”</span>' if entry.section_title else ""
            items.append(f'<li><a href="{escape(uri)}">{escape(entry.title)}</a>{where}</li>')
        parts.append(
            '<section class="kb-backlinks" data-backlinks aria-labelledby="kb-backlinks-title">'
            '<h2 id="kb-backlinks-title">Referenced in</h2>'
            f'<ul>{"".join(items)}</ul></section>'
        )
    if inputs.related:
        items = [
            f'<li><a class="kb-essay-link" href="{escape(link(other))}">{escape(title)}</a>'
            f'<p class="kb-summary">{escape(summary)}</p></li>'
            for other, title, summary in inputs.related
        ]
        parts.append(
            '<section class="kb-related" data-related aria-labelledby="kb-related-title">'
            '<h2 id="kb-related-title">Related essays</h2>'
            f'<ul class="kb-essay-list">{"".join(items)}</ul></section>'
        )
    return f'<div class="kb-connections">{"".join(parts)}</div>' if parts else ""


def add_term_previews(doctree, docname: str, terms: tuple[TermPreview, ...]) -> None:
    """Wrap each glossary-term link with its short definition, shown on hover, focus and tap."""
    by_id = {term.id: term for term in terms}
    for number, ref in enumerate(list(doctree.findall(nodes.reference))):
        inner = ref.children[0] if ref.children else None
        if not (isinstance(inner, nodes.inline) and "std-term" in inner.get("classes", [])):
            continue
        entry = by_id.get(ref.get("refuri", "").rpartition("#")[2])
        if entry is None or entry.doc == docname:
            continue
        tip_id = f"kb-term-{number}"
        ref["classes"].append("kb-term-link")
        ref["kb_describedby"] = tip_id
        wrapper = nodes.inline(classes=["kb-term"])
        parent, index = ref.parent, ref.parent.index(ref)
        parent.remove(ref)  # not replace_self: it would copy the link's classes onto the wrapper
        parent.insert(index, wrapper)
        wrapper += ref
        wrapper += nodes.inline("", entry.preview, ids=[tip_id], classes=["kb-term-preview"], kb_tooltip=True)


def fill_connections(app, doctree, docname: str) -> None:
    if app.builder.format != "html":
        return
    inputs = shown(app, docname, connection_inputs) or ConnectionInputs()
    add_term_previews(doctree, docname, inputs.terms)
    for node in list(doctree.findall(kb_connections)):
        html = connections_html(inputs, lambda target: app.builder.get_relative_uri(docname, target))
        node.replace_self(nodes.raw("", html, format="html") if html else [])


def setup(app) -> None:
    app.add_node(kb_connections)
    app.add_env_collector(ConnectionCollector)
    app.connect("builder-inited", init_env)
    app.connect("doctree-read", add_placeholder)
    app.connect("env-check-consistency", check_links)
