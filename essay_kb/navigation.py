"""Navigation that does not grow with the site.

Furo renders the whole toctree into every page's sidebar. Here the sidebar is built from the
essay model instead: the themes, the current theme's essays (a bounded window of them), and a
few fixed pages. Furo still decorates it (its ``toctree`` context callable is replaced before
Furo's own ``html-page-context`` handler runs), so it looks and behaves like Furo's tree.
Previous/next links stay within the current essay's home theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from docutils import nodes

from .dependencies import Placeholder, shown
from .model import is_essay
from .review import next_review, reviewer_role, time_html
from .themes import THEMES_DIR, essays_in_theme, theme_docname, themes_by_key


class kb_essay_meta(Placeholder):
    """Placeholder under an essay's title: themes, dates, reading time, clinical review."""


@dataclass(frozen=True)
class ThemeEssays:
    """A theme's home essays, in order, and the fixed pages: made once per theme per build."""

    theme: str | None  # the page's theme: an essay's home theme, or a theme page's own
    essays: tuple[tuple[str, str], ...]  # (docname, title) of that theme's home essays, in order
    about: tuple[tuple[str, str], ...]  # (docname, title) of the "About" pages that exist
    help: tuple[tuple[str, str], ...] = ()  # (docname, title) of the help pages, first in the menu


@dataclass(frozen=True)
class SidebarInputs:
    """What one page's sidebar and previous/next links show of other pages: the window of its
    theme's essays around it, not the whole theme, so that a title edited elsewhere in a theme of
    hundreds rewrites only the pages that show it."""

    theme: str | None
    essays: tuple[tuple[str, str], ...]  # (docname, title): the window shown
    more: bool  # the theme has essays outside the window (a link to the theme page says so)
    about: tuple[tuple[str, str], ...]
    help: tuple[tuple[str, str], ...] = ()
    previous: tuple[str, str] | None = None  # (docname, title) in the essay's home theme
    next: tuple[str, str] | None = None


def current_theme(app, pagename: str) -> str | None:
    essay = app.env.kb_essays.get(pagename)
    if essay and essay["themes"]:
        return essay["themes"][0]
    if pagename.startswith(THEMES_DIR + "/"):
        return pagename.split("/", 1)[1]
    return None


def sidebar_inputs(app, pagename: str) -> SidebarInputs:
    theme = theme_essays(app, current_theme(app, pagename))
    docnames = [d for d, _ in theme.essays]
    index = docnames.index(pagename) if pagename in docnames else -1
    shown = tuple(window(list(theme.essays), index, app.config.kb_sidebar_window))
    return SidebarInputs(theme.theme, shown, len(shown) < len(theme.essays), theme.about, theme.help,
                         theme.essays[index - 1] if index > 0 else None,
                         theme.essays[index + 1] if 0 <= index < len(docnames) - 1 else None)


def theme_essays(app, theme: str | None) -> ThemeEssays:
    """One value per theme, made once per build rather than once per page: every page's sidebar,
    previous/next links and fingerprint need it, and sorting the whole collection for each page
    made writing grow with the square of the number of essays."""
    shared = getattr(app, "kb_sidebars", None)
    if shared is not None and theme in shared:
        return shared[theme]
    env = app.env
    essays = tuple((d, env.kb_essays[d]["title"]) for d in essays_in_theme(env, theme, home_only=True)) if theme else ()
    about, help_pages = (tuple((d, env.titles[d].astext() if d in env.titles else d)
                               for d in pages if d in env.all_docs)
                         for pages in (app.config.kb_sidebar_pages, app.config.kb_help_pages))
    found = ThemeEssays(theme, essays, about, help_pages)
    if shared is not None:
        shared[theme] = found
    return found


def start_sharing(app, env) -> None:
    """Every page has been read: the essays and their themes are final until the next build."""
    app.kb_sidebars = {}


def stop_sharing(app, exception) -> None:
    app.kb_sidebars = None


def window(items: list, current_index: int, size: int) -> list:
    """At most ``size`` consecutive items around ``current_index`` (the start if it is -1)."""
    if len(items) <= size:
        return items
    start = max(0, min(current_index - size // 2, len(items) - size))
    return items[start:start + size]


def fixed_pages(config) -> list[str]:
    """The pages reached from every sidebar rather than from a theme: help pages, then "About"."""
    return [*config.kb_help_pages, *config.kb_sidebar_pages]


def page_group_html(pagename: str, caption: str, pages, link) -> list[str]:
    """A captioned list of fixed pages, given as (docname, title)."""
    if not pages:
        return []
    out = [f'<p class="caption" role="heading" aria-level="2"><span class="caption-text">{caption}</span></p><ul>']
    for docname, title in pages:
        here = docname == pagename
        out.append(f'<li class="toctree-l1{" current" if here else ""}"><a class="reference internal" '
                   f'href="{"#" if here else escape(link(docname))}">{escape(title)}</a></li>')
    out.append("</ul>")
    return out


def sidebar_html(inputs: SidebarInputs, pagename: str, link, themes: list[dict]) -> str:
    """``link(docname)`` is the page's relative address of another page."""
    # Help for the worst moments comes first: on a phone it is the top of the menu.
    out = page_group_html(pagename, "Help now", inputs.help, link)
    out.append('<p class="caption" role="heading" aria-level="2"><span class="caption-text">Themes</span></p><ul>')
    for theme in themes:
        key = theme["key"]
        is_active = key == inputs.theme
        cls = "toctree-l1 current" if is_active else "toctree-l1"
        href = "#" if pagename == theme_docname(key) else escape(link(theme_docname(key)))
        out.append(f'<li class="{cls}"><a class="reference internal" href="{href}">{escape(theme["title"])}</a>')
        if is_active:
            out.append('<ul class="current">')
            for docname, title in inputs.essays:
                here = docname == pagename
                out.append(
                    f'<li class="toctree-l2{" current" if here else ""}"><a class="reference internal" '
                    f'href="{"#" if here else escape(link(docname))}">{escape(title)}</a></li>'
                )
            if inputs.more:
                # Without their number, which would change every page of the theme when one is added.
                out.append(
                    f'<li class="toctree-l2"><a class="reference internal kb-more" href="{escape(link(theme_docname(key)))}">'
                    f'All essays in {escape(theme["title"])}</a></li>'
                )
            out.append("</ul>")
        out.append("</li>")
    out.append("</ul>")
    out += page_group_html(pagename, "About", inputs.about, link)
    return "".join(out)


def page_sidebar_html(app, pagename: str) -> str:
    inputs = shown(app, pagename, sidebar_inputs)
    link = lambda target: app.builder.get_relative_uri(pagename, target)  # noqa: E731
    return sidebar_html(inputs, pagename, link, app.config.kb_themes)


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    if "toctree" in context:
        html = page_sidebar_html(app, pagename)
        context["toctree"] = lambda **kwargs: html
    if pagename in app.env.kb_essays:
        inputs = shown(app, pagename, sidebar_inputs)
        for key, target in (("prev", inputs.previous), ("next", inputs.next)):
            context[key] = {
                "link": app.builder.get_relative_uri(pagename, target[0]),
                "title": escape(target[1]),
            } if target else None
    elif pagename.startswith(THEMES_DIR + "/") or pagename in fixed_pages(app.config):
        context["prev"] = context["next"] = None


def mark_navigable(app, doctree) -> None:
    """Essays and theme pages are reached through the generated navigation, not a toctree."""
    docname = app.env.docname
    if is_essay(app, docname) or docname.startswith(THEMES_DIR + "/") or docname in fixed_pages(app.config):
        app.env.metadata[docname]["orphan"] = True
    if is_essay(app, docname):
        title = next(iter(doctree.findall(nodes.title)), None)
        if title is not None:
            title.parent.insert(title.parent.index(title) + 1, kb_essay_meta())


def fill_essay_meta(app, doctree, docname: str) -> None:
    essay = app.env.kb_essays.get(docname)
    for node in list(doctree.findall(kb_essay_meta)):
        if not essay or not essay["valid"]:
            node.replace_self([])
            continue
        titles = themes_by_key(app.config)
        themes = ", ".join(
            f'<a href="{escape(app.builder.get_relative_uri(docname, theme_docname(k)))}">{escape(titles[k]["title"])}</a>'
            for k in essay["themes"]
        )
        if essay["reviewed"]:
            due = next_review(essay["reviewed"], app.config.kb_review_interval_days)
            review = (f'<p class="kb-meta-review">Last reviewed {time_html(essay["reviewed"])} · Next review due {time_html(due)}</p>'
                      f'<p class="kb-meta-reviewer">Reviewed by {escape(reviewer_role(app.config, essay))}</p>')
        else:  # a draft, in the preview: it makes no review claim
            review = '<p class="kb-meta-review">Not reviewed yet: a draft</p>'
        html = (
            '<div class="kb-essay-meta">'
            f'<p class="kb-meta-themes">Themes: {themes}</p>'
            f'<p class="kb-meta-dates">Published {time_html(essay["published"])} · {essay["minutes"]} min read</p>'
            f'{review}'
            f'<p class="kb-meta-author">{escape(app.config.kb_author_line)}</p></div>'
        )
        if essay.get("brief"):
            # "In brief" comes before the opening scene, so a reader (or a phone's first screen)
            # learns what the essay offers before reading a story.
            html += ('<aside class="kb-in-brief" aria-label="In brief">'
                     f'<p class="kb-in-brief-label">In brief</p><p>{escape(essay["brief"])}</p></aside>')
        node.replace_self(nodes.raw("", html, format="html"))


def setup(app) -> None:
    app.add_node(kb_essay_meta)
    app.connect("doctree-read", mark_navigable)
    app.connect("build-finished", stop_sharing)
