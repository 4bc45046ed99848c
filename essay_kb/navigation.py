"""Navigation that does not grow with the site.

Furo renders the whole toctree into every page's sidebar. Here the sidebar is built from the
essay model instead: the themes, the current theme's essays (a bounded window of them), and a
few fixed pages. Furo still decorates it (its ``toctree`` context callable is replaced before
Furo's own ``html-page-context`` handler runs), so it looks and behaves like Furo's tree.
Previous/next links stay within the current essay's home theme.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from docutils import nodes

from .model import is_essay
from .themes import THEMES_DIR, essays_in_theme, theme_docname, themes_by_key


class kb_essay_meta(nodes.General, nodes.Element):
    """Placeholder under an essay's title: themes, dates, reading time."""


def current_theme(app, pagename: str) -> str | None:
    essay = app.env.kb_essays.get(pagename)
    if essay and essay["themes"]:
        return essay["themes"][0]
    if pagename.startswith(THEMES_DIR + "/"):
        return pagename.split("/", 1)[1]
    return None


def home_essays(app, key: str) -> list[str]:
    """``essays_in_theme(env, key, home_only=True)``, sorted once per build rather than once per
    page: every page's sidebar, prev/next links and fingerprint need it, and sorting the whole
    collection for each page made writing grow with the square of the number of essays."""
    orders = getattr(app, "kb_home_essays", None)
    if orders is None:  # outside a build's write phase: nothing to share
        return essays_in_theme(app.env, key, home_only=True)
    if key not in orders:
        orders[key] = essays_in_theme(app.env, key, home_only=True)
    return orders[key]


def start_sharing(app, env) -> None:
    """Every page has been read: the essays and their themes are final until the next build."""
    app.kb_home_essays = {}


def stop_sharing(app, exception) -> None:
    app.kb_home_essays = None


def window(items: list, current_index: int, size: int) -> list:
    """At most ``size`` consecutive items around ``current_index`` (the start if it is -1)."""
    if len(items) <= size:
        return items
    start = max(0, min(current_index - size // 2, len(items) - size))
    return items[start:start + size]


def fixed_pages(config) -> list[str]:
    """The pages reached from every sidebar rather than from a theme: help pages, then "About"."""
    return [*config.kb_help_pages, *config.kb_sidebar_pages]


def page_group_html(app, pagename: str, caption: str, docnames) -> list[str]:
    env = app.env
    pages = [d for d in docnames if d in env.all_docs]
    if not pages:
        return []
    out = [f'<p class="caption" role="heading" aria-level="2"><span class="caption-text">{caption}</span></p><ul>']
    for docname in pages:
        here = docname == pagename
        title = env.titles[docname].astext() if docname in env.titles else docname
        href = "#" if here else escape(app.builder.get_relative_uri(pagename, docname))
        out.append(f'<li class="toctree-l1{" current" if here else ""}"><a class="reference internal" '
                   f'href="{href}">{escape(title)}</a></li>')
    out.append("</ul>")
    return out


def sidebar_html(app, pagename: str) -> str:
    env, builder = app.env, app.builder
    active = current_theme(app, pagename)
    link = lambda target: escape(builder.get_relative_uri(pagename, target))  # noqa: E731
    # Help for the worst moments comes first: on a phone it is the top of the menu.
    out = page_group_html(app, pagename, "Help now", app.config.kb_help_pages)
    out.append('<p class="caption" role="heading" aria-level="2"><span class="caption-text">Themes</span></p><ul>')
    for theme in app.config.kb_themes:
        key = theme["key"]
        is_active = key == active
        cls = "toctree-l1 current" if is_active else "toctree-l1"
        href = "#" if pagename == theme_docname(key) else link(theme_docname(key))
        out.append(f'<li class="{cls}"><a class="reference internal" href="{href}">{escape(theme["title"])}</a>')
        if is_active:
            essays = home_essays(app, key)
            index = essays.index(pagename) if pagename in essays else -1
            shown = window(essays, index, app.config.kb_sidebar_window)
            out.append('<ul class="current">')
            for docname in shown:
                here = docname == pagename
                out.append(
                    f'<li class="toctree-l2{" current" if here else ""}"><a class="reference internal" '
                    f'href="{"#" if here else link(docname)}">{escape(env.kb_essays[docname]["title"])}</a></li>'
                )
            if len(shown) < len(essays):
                out.append(
                    f'<li class="toctree-l2"><a class="reference internal kb-more" href="{link(theme_docname(key))}">'
                    f'All {len(essays)} essays in {escape(theme["title"])}</a></li>'
                )
            out.append("</ul>")
        out.append("</li>")
    out.append("</ul>")
    out += page_group_html(app, pagename, "About", app.config.kb_sidebar_pages)
    return "".join(out)


def theme_neighbours(app, docname: str) -> tuple[str | None, str | None]:
    """The previous and next essay in the essay's home theme, in the theme's order."""
    essay = app.env.kb_essays.get(docname)
    if not essay or not essay["themes"]:
        return None, None
    order = home_essays(app, essay["themes"][0])
    i = order.index(docname)
    return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    if "toctree" in context:
        html = sidebar_html(app, pagename)
        context["toctree"] = lambda **kwargs: html
    if pagename in app.env.kb_essays:
        prev_doc, next_doc = theme_neighbours(app, pagename)
        for key, target in (("prev", prev_doc), ("next", next_doc)):
            context[key] = {
                "link": app.builder.get_relative_uri(pagename, target),
                "title": escape(app.env.kb_essays[target]["title"]),
            } if target else None
    elif pagename.startswith(THEMES_DIR + "/") or pagename in fixed_pages(app.config):
        context["prev"] = context["next"] = None


def render_inputs(app, docname: str):
    """What this page's sidebar and prev/next show from other pages."""
    theme = current_theme(app, docname)
    if theme is None:
        return None
    return tuple((d, app.env.kb_essays[d]["title"]) for d in home_essays(app, theme))


def mark_navigable(app, doctree) -> None:
    """Essays and theme pages are reached through the generated navigation, not a toctree."""
    docname = app.env.docname
    if is_essay(app, docname) or docname.startswith(THEMES_DIR + "/") or docname in fixed_pages(app.config):
        app.env.metadata[docname]["orphan"] = True
    if is_essay(app, docname):
        title = next(iter(doctree.findall(nodes.title)), None)
        if title is not None:
            title.parent.insert(title.parent.index(title) + 1, kb_essay_meta())


def human_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B %Y')}"


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
        dates = f'Published <time datetime="{essay["published"]}">{human_date(essay["published"])}</time>'
        if essay["reviewed"]:
            dates += f' · Clinically reviewed <time datetime="{essay["reviewed"]}">{human_date(essay["reviewed"])}</time>'
        html = (
            '<div class="kb-essay-meta">'
            f'<p class="kb-meta-themes">Themes: {themes}</p>'
            f'<p class="kb-meta-dates">{dates} · {essay["minutes"]} min read</p>'
            f'<p class="kb-meta-author">{escape(app.config.kb_author_line)}</p></div>'
        )
        node.replace_self(nodes.raw("", html, format="html"))


def setup(app) -> None:
    app.add_node(kb_essay_meta)
    app.connect("doctree-read", mark_navigable)
    # First among env-updated handlers, so dependencies.pages_to_rewrite (priority 500) shares it.
    app.connect("env-updated", start_sharing, priority=100)
    app.connect("build-finished", stop_sharing)
    # Before Furo's own handler (priority 500), which renders context["toctree"] into the sidebar.
    app.connect("html-page-context", on_page_context, priority=400)
