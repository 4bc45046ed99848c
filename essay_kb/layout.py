"""Furo customisation: templates, CSS and JS from this package, and the "not therapy or medical
advice" line on every page (set once in conf.py). The crisis notice is safety.py's."""

from __future__ import annotations

from pathlib import Path

from markupsafe import escape

HERE = Path(__file__).parent
CSS_FILES = ["kb.css"]
JS_FILES = ["kb.js"]
# Sphinx's own assets that this site never uses (no code blocks, no Sphinx search, no term
# highlighting): each one is a render-blocking request on a reader's slow phone connection.
UNUSED_ASSETS = {"_static/pygments.css", "_static/doctools.js", "_static/sphinx_highlight.js",
                 "_static/documentation_options.js", "_static/styles/furo-extensions.css"}


def add_paths(app, config) -> None:
    # A new list: inserting into the one Sphinx gives would change Sphinx's default for every later
    # build in the same process (a test's, a preview's).
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    # The package's static files are not on html_static_path: scripts.write_static writes them, minified.
    # Furo shows the announcement at the top of every page, above the fold on a phone, with no
    # way to dismiss it: the crisis notice belongs there. The template fills in the text.
    options = dict(config.html_theme_options or {})
    options["announcement"] = "crisis-notice"
    config.html_theme_options = options
    if not config.html_favicon:
        config.html_favicon = str(HERE / "static" / "favicon.svg")
    # Every essay heading carries a visible "Copy link" control instead of the hover-only ¶.
    config.html_permalinks = False


def add_assets(app) -> None:
    for name in CSS_FILES:
        app.add_css_file(name)
    for name in JS_FILES:
        app.add_js_file(name, loading_method="defer")


def drop_unused_assets(context) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if getattr(a, "filename", a).split("?")[0] not in UNUSED_ASSETS]


def page_context(app, pagename, templatename, context, doctree) -> None:
    drop_unused_assets(context)
    context["kb_disclaimer"] = app.config.kb_disclaimer
    context["kb_practice_name"] = app.config.kb_practice_name
    # Furo prints the site's title raw in its header ({{ docstitle if docstitle else project }})
    # and as docstitle|striptags|e in <title>: escaped Markup reads right in both.
    for key in ("docstitle", "project"):
        if isinstance(context.get(key), str):
            context[key] = escape(context[key])


def setup(app) -> None:
    app.connect("builder-inited", add_assets)
    app.connect("html-page-context", page_context)
