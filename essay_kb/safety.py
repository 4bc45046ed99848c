"""Safety first, on every page: a quick exit, the crisis notice built from the help lines, the
pages for the worst moments, and a colour toggle that keeps nothing.

- **Quick exit** (models: GOV.UK's "Exit this page", NSW's "Quick exit"): a plain link to a neutral
  site (``kb_quick_exit_url``), first on the page and sticky at the top, so it works without
  JavaScript; ``kb-exit.js`` adds the keyboard (Shift three times, Escape twice), hides the page at
  once and leaves with ``location.replace`` so Back does not return to it. The link is the one
  address of another site that a page's chrome carries; it is only navigated to, never fetched,
  so the privacy check and the Content-Security-Policy have nothing to allow.
- **Crisis notice**: made from ``kb_help_lines`` (the crisis line and the emergency number) and
  linked to the help pages that ``kb_help_pages`` labels, so no page types a number.
- **Help pages** (``kb_help_pages``): the sidebar's "Help now" group, searched like the "About"
  pages.
- **Nothing stored**: Furo's colour toggle writes ``localStorage.theme`` and its first script reads
  it. ``templates/base.html`` drops that script, and ``kb-theme.js`` takes the toggle's clicks
  before Furo does: the colour follows the system, and a choice lasts as long as the page.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from markupsafe import Markup
from sphinx.util import logging

from .helplines import abroad_html, cannot_speak_parts, dial_uri, parts_html, reach_html
from .warnings_ import KbWarning
from .dependencies import shown

logger = logging.getLogger(__name__)

CSS_FILES = ["kb-safety.css"]
JS_FILES = ["kb-theme.js", "kb-exit.js"]
DEFAULT_QUICK_EXIT_URL = "https://www.google.com/"


def check_quick_exit_url(url, site_url: str) -> str | None:
    """What is wrong with ``kb_quick_exit_url``, or None."""
    example = f"e.g. {DEFAULT_QUICK_EXIT_URL!r}"
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme != "https" or not parts.hostname:
        return f"kb_quick_exit_url must be the https:// address of a neutral site, {example}; got {url!r}."
    if parts.username or parts.password:
        return f"kb_quick_exit_url must not carry a user name or password; got {url!r}."
    if parts.hostname == urlsplit(site_url).hostname:
        return (f"kb_quick_exit_url must lead away from this site ({parts.hostname}) to a neutral one, "
                f"{example}; got {url!r}.")
    return None


def check_help_pages(pages) -> str | None:
    if not isinstance(pages, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in pages.items()):
        return ("kb_help_pages must be a dict of page -> label in the crisis notice ('' for none), e.g. "
                "{'help/thinking-about-suicide': 'What to do right now', 'help/reading-safely': ''}; "
                f"got {pages!r}.")
    return None


def config_problems(config) -> list[str]:
    """Every mistake in the safety settings (settings.check_config reports them with the others)."""
    problems = [check_quick_exit_url(config.kb_quick_exit_url, config.html_baseurl or ""),
                check_help_pages(config.kb_help_pages)]
    if "crisis" not in (config.kb_help_lines or {}):
        problems.append("kb_help_lines needs a 'crisis' line: the crisis notice on every page shows it.")
    help_doc = config.kb_quick_exit_help.split("#", 1)[0]
    if config.kb_quick_exit_help and help_doc not in config.kb_help_pages:
        problems.append(f"kb_quick_exit_help ({config.kb_quick_exit_help!r}) must be on one of the kb_help_pages "
                        f"({', '.join(config.kb_help_pages) or 'none'}), e.g. 'help/not-safe-at-home#quick-exit'.")
    return [p for p in problems if p]


def check_pages_exist(app, env) -> None:
    for docname in env.config.kb_help_pages:
        if docname not in env.found_docs:
            logger.warning(
                f"conf.py: kb_help_pages lists {docname!r}, which is not a page. Create {docname}.md in "
                "the source folder, or fix the name in conf.py.", type="kb", subtype=KbWarning.HELP_PAGE)


def page_uri(app, pagename: str, target: str) -> str:
    docname, _, anchor = target.partition("#")
    if docname == pagename:  # on the page itself: the place, or its top, never a reload
        return f"#{anchor}"
    return app.builder.get_relative_uri(pagename, docname) + (f"#{anchor}" if anchor else "")


def help_page_inputs(app, docname: str) -> tuple[tuple[str, str], ...]:
    """What every page shows of the help pages (crisis notice, search card): (docname, title) of
    each that exists."""
    return tuple((d, app.env.titles[d].astext()) for d in app.config.kb_help_pages if d in app.env.titles)


def crisis_actions_html(line: dict) -> str:
    """The notice's one line: a button-sized link for each way to reach the crisis line, 'Call 988'
    and 'Text 988' (a text link opens the messages app with the number, and the word, filled in)."""
    actions = []
    if line.get("call"):
        actions.append((f"Call {line['call']}", dial_uri("tel", line["call"])))
    if line.get("text"):
        word = line.get("text_word")
        actions.append((f"Text {word + ' to ' if word else ''}{line['text']}", dial_uri("sms", line["text"], word)))
    if not actions and line.get("chat"):
        actions.append(("Chat online", line["chat"]))
    outbound = ' rel="noopener noreferrer"'
    return " ".join(f'<a class="kb-crisis-act" href="{escape(uri)}"{outbound if uri.startswith("https:") else ""}>'
                    f"{escape(text)}</a>" for text, uri in actions)


def crisis_notice_html(app, pagename: str) -> str:
    """The notice at the top of every page. One line on any screen ("In crisis? Call 988 Text 988"
    and "More help"), so a small phone still shows the page's text; the rest one tap away, in a
    native <details>: the crisis line and the emergency number in full, how to reach them without
    speaking, the help pages, where the site is written for, and other countries' lines."""
    present = dict(shown(app, pagename, help_page_inputs))
    config = app.config
    lines = config.kb_help_lines
    crisis, emergency = lines["crisis"], lines.get("emergency")
    full = ("Thinking about suicide, or in crisis? You deserve help right now: reach "
            f"{escape(crisis['name'])} ({reach_html(crisis)})")
    full += f", or in an emergency, {reach_html(emergency)}." if emergency else \
        ". In an emergency, call your local emergency number."
    body = [f'<p class="kb-crisis-full">{full}</p>']
    quiet = cannot_speak_parts({k: v for k, v in (("crisis", crisis), ("emergency", emergency)) if v})
    if quiet:
        body.append(f'<p class="kb-crisis-quiet">{parts_html(quiet)}</p>')
    links = [f'<a href="{escape(page_uri(app, pagename, docname))}">{escape(label)}</a>'
             for docname, label in config.kb_help_pages.items() if label and docname in present]
    if links:
        body.append('<p class="kb-crisis-links">' + " ".join(links) + "</p>")
    body.append(f'<p class="kb-crisis-where">This site is written for readers in {escape(config.kb_help_country)}.</p>')
    body.append(abroad_html(config, say_where=False))
    # every value in it is escaped above
    return Markup('<p class="kb-crisis-line"><span class="kb-crisis-ask">In crisis?</span> '
            f"{crisis_actions_html(crisis)}</p>"
            '<details class="kb-crisis-more" data-crisis-more><summary>More help</summary>'
            f'<div class="kb-crisis-body">{"".join(body)}</div></details>')


def help_page_links(app, pagename: str) -> list[dict]:
    """Each help page as {docname, uri, title}: search's help card links to the one that fits."""
    return [{"docname": docname, "uri": page_uri(app, pagename, docname), "title": title}
            for docname, title in shown(app, pagename, help_page_inputs)]


def page_context(app, pagename, templatename, context, doctree) -> None:
    config = app.config
    context["kb_crisis_notice"] = crisis_notice_html(app, pagename)
    context["kb_quick_exit"] = {
        "url": config.kb_quick_exit_url,
        "help": page_uri(app, pagename, config.kb_quick_exit_help) if config.kb_quick_exit_help else "",
    }
    context["kb_help_pages"] = help_page_links(app, pagename)


def add_assets(app) -> None:
    for name in CSS_FILES:
        app.add_css_file(name)
    # Not deferred, and just before Furo's own script (priority 200, at the end of the body): the
    # exit works and the toggle keeps nothing from the moment the page can be used.
    for name in JS_FILES:
        app.add_js_file(name, priority=199)


def setup(app) -> None:
    app.add_config_value("kb_quick_exit_url", DEFAULT_QUICK_EXIT_URL, "html", types=[str])
    # The section that explains the quick exit and its limits ("docname#id"), linked beside it.
    app.add_config_value("kb_quick_exit_help", "", "html", types=[str])
    app.add_config_value("kb_help_pages", {}, "env", types=[dict])
    app.connect("builder-inited", add_assets)
    app.connect("env-check-consistency", check_pages_exist)
    app.connect("html-page-context", page_context)
