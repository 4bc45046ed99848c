"""Furo customisation: templates, CSS and JS from this package, the crisis notice and the
"not therapy or medical advice" line on every page (set once in conf.py)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
CSS_FILES = ["kb.css"]
JS_FILES = ["kb.js"]


def add_paths(app, config) -> None:
    config.templates_path.insert(0, str(HERE / "templates"))
    config.html_static_path.append(str(HERE / "static"))
    # Furo shows the announcement at the top of every page, above the fold on a phone, with no
    # way to dismiss it: the crisis notice belongs there. The template fills in the text.
    options = dict(config.html_theme_options or {})
    options["announcement"] = "crisis-notice"
    config.html_theme_options = options
    # Every essay heading carries a visible "Copy link" control instead of the hover-only ¶.
    config.html_permalinks = False


def add_assets(app) -> None:
    for name in CSS_FILES:
        app.add_css_file(name)
    for name in JS_FILES:
        app.add_js_file(name, loading_method="defer")


def page_context(app, pagename, templatename, context, doctree) -> None:
    context["kb_crisis_notice"] = app.config.kb_crisis_notice
    context["kb_disclaimer"] = app.config.kb_disclaimer
    context["kb_practice_name"] = app.config.kb_practice_name


def setup(app) -> None:
    app.connect("config-inited", add_paths, priority=600)
    app.connect("builder-inited", add_assets)
    app.connect("html-page-context", page_context)
