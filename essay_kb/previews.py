"""Link previews: what a messaging app or social site shows when someone pastes a page's address.

Every content page gets OpenGraph and Twitter-card tags and a meta description, made from the
page's own title and front-matter summary: never from its body text, so nothing else on the page
(the crisis notice included, which is not part of the content) can end up in a preview. Canonical
URLs come from Furo (``html_baseurl`` + the page's dirhtml address); og:url is the same address.

A **discreet** essay (``discreet: true``) previews as the practice's name and a neutral line only,
so a link sent to a client does not name the topic on a lock screen or a shared screen. The page's
``<title>`` stays descriptive: preview tools read og:title first, and browser tabs, bookmarks and
screen readers need a real title (WCAG 2.4.2). The address itself still contains the essay's slug.

Why not sphinxext-opengraph: it takes the description from the page's text and the title from
``<title>``, draws social-card images from them when matplotlib happens to be installed, and on
Read the Docs switches its site URL from the environment. Each would need overriding for discreet
essays; writing these few tags directly is shorter and cannot leak by default.
"""

from __future__ import annotations

from html import escape

from docutils import nodes

DESCRIPTION_MAX_CHARS = 200


def shorten(text: str, limit: int = DESCRIPTION_MAX_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def preview_text(title: str, summary: str, *, discreet: bool, practice: str, neutral_line: str) -> tuple[str, str]:
    """(preview title, preview description) for a page."""
    if discreet:
        return practice, neutral_line
    return title, shorten(summary)


def meta_tags(fields: dict[str, str]) -> str:
    """``og:*`` as property tags, everything else (description, twitter:*) as name tags."""
    lines = []
    for key, value in fields.items():
        attribute = "property" if key.startswith("og:") else "name"
        lines.append(f'<meta {attribute}="{escape(key)}" content="{escape(value)}">')
    return "\n".join(lines) + "\n"


def first_paragraph(doctree) -> str:
    paragraph = next(iter(doctree.findall(nodes.paragraph)), None) if doctree is not None else None
    return paragraph.astext() if paragraph is not None else ""


def page_fields(app, pagename: str, doctree) -> dict[str, str]:
    env, config = app.env, app.config
    essay = env.kb_essays.get(pagename)
    if essay:
        title, summary, discreet = essay["title"], essay["summary"], essay["discreet"]
    else:
        title = config.kb_practice_name if pagename == config.root_doc else (
            env.titles[pagename].astext() if pagename in env.titles else pagename)
        summary = str(env.metadata.get(pagename, {}).get("summary") or "") or first_paragraph(doctree)
        discreet = False
    preview_title, description = preview_text(title, summary, discreet=discreet, practice=config.kb_practice_name,
                                              neutral_line=config.kb_discreet_preview_line)
    return preview_fields(config, preview_title, description, config.html_baseurl + app.builder.get_target_uri(pagename),
                          kind="article" if essay else "website")


def preview_fields(config, title: str, description: str, url: str, kind: str) -> dict[str, str]:
    """The tags of one page's preview, given what it shows (reading_list.py uses it too)."""
    fields = {
        "og:site_name": config.kb_practice_name,
        "og:type": kind,
        "og:title": title,
        "og:url": url,
        "twitter:card": "summary",
    }
    if description:
        fields["og:description"] = description
        fields["description"] = description
    return fields


def add_preview_tags(app, pagename, templatename, context, doctree) -> None:
    # Only pages made from a document: the search page, the index and the 404 page are not shared.
    if pagename not in app.env.found_docs:
        return
    context["metatags"] = context.get("metatags", "") + meta_tags(page_fields(app, pagename, doctree))


def setup(app) -> None:
    app.connect("html-page-context", add_preview_tags)
