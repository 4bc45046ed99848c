"""Problems shown where the author looks: in the preview's pages.

Only when ``kb_preview`` is set (``make serve``). Every warning the build gives that names a page
is kept for that page (``env.kb_problems``: warnings given while a page is read stay until it is
read again, as Sphinx itself keeps its doctrees), and the page shows them at the top, each with its
file:line and the fix the message gives. The home page lists every page that has any, and the
problems that belong to no page (conf.py, the themes file). ``make html`` never sets ``kb_preview``,
so nothing of this reaches the published site.
"""

from __future__ import annotations

import logging as std_logging
import os
import re
from html import escape
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

SITE = ""  # the key for problems that belong to no page
SUBTYPE = re.compile(r"\s*\[[a-z_.]+\]\s*$")


class ProblemCatcher(std_logging.Handler):
    """Keeps each warning the build logs, by the page it names."""

    def __init__(self, app):
        super().__init__(level=std_logging.WARNING)
        self.app = app

    def emit(self, record: std_logging.LogRecord) -> None:
        try:
            docname, line = self.where(getattr(record, "location", None))
            message = SUBTYPE.sub("", record.getMessage())
            env = self.app.env
            phase = env.kb_problems if self.app.phase_reading else env.kb_problems_written
            phase.setdefault(docname, [])
            if (line, message) not in phase[docname]:
                phase[docname].append((line, message))
        except Exception:  # noqa: BLE001 - showing problems must never become one
            pass

    def where(self, location) -> tuple[str, int]:
        env = self.app.env
        if isinstance(location, tuple) and location and location[0]:
            return str(location[0]), int(location[1] or 0)
        if isinstance(location, str) and location:
            path, _, line = location.rpartition(":")
            if not line.isdigit():
                path, line = location, "0"
            docname = env.path2doc(str(Path(path).resolve())) if Path(path).is_absolute() else None
            return (docname or SITE), int(line)
        return SITE, 0


def start(app) -> None:
    if not app.config.kb_preview:
        return
    env = app.env
    if not hasattr(env, "kb_problems"):
        env.kb_problems = {}
    env.kb_problems_written = {}
    app.phase_reading = True
    std_logging.getLogger("sphinx").addHandler(ProblemCatcher(app))


def reading_done(app, env) -> None:
    app.phase_reading = False


def purge(app, env, docname) -> None:
    getattr(env, "kb_problems", {}).pop(docname, None)


def merge(app, env, docnames, other) -> None:
    if hasattr(other, "kb_problems"):
        env.kb_problems.update({d: other.kb_problems[d] for d in docnames if d in other.kb_problems})


def problems_of(env, docname: str) -> list[tuple[int, str]]:
    found = list(env.kb_problems.get(docname, [])) + list(env.kb_problems_written.get(docname, []))
    return sorted(set(found))


def problem_list(app, docname: str, problems) -> str:
    path = os.path.relpath(app.env.doc2path(docname)) if docname != SITE else None
    items = "".join(
        f"<li><code>{escape(f'{path}:{line}' if path else 'settings')}</code> {escape(message)}</li>"
        for line, message in problems)
    return f"<ul>{items}</ul>"


def show_problems(app, pagename, templatename, context, doctree) -> None:
    if not app.config.kb_preview or "body" not in context:
        return
    env = app.env
    html = ""
    mine = problems_of(env, pagename)
    if mine:
        html += ('<div class="kb-preview-note kb-preview-problems" role="alert"><p><strong>'
                 f"{len(mine)} problem{'s' if len(mine) != 1 else ''} on this page.</strong> "
                 "<code>make html</code> will not publish the site until each is fixed:</p>"
                 f"{problem_list(app, pagename, mine)}</div>")
    if pagename == app.config.root_doc:
        others = {d for d in set(env.kb_problems) | set(env.kb_problems_written)
                  if d != pagename and problems_of(env, d)}
        if others:
            html += ('<div class="kb-preview-note kb-preview-problems" role="alert"><p><strong>Pages with '
                     "problems in this preview</strong> (only the preview shows this list):</p><ul>")
            for docname in sorted(others):
                count = len(problems_of(env, docname))
                if docname == SITE:
                    label = "Settings and shared files"
                    html += f"<li>{label}: {problem_list(app, docname, problems_of(env, docname))}</li>"
                else:
                    link = escape(app.builder.get_relative_uri(pagename, docname))
                    html += (f'<li><a href="{link}">{escape(os.path.relpath(env.doc2path(docname)))}</a>: '
                             f"{count} problem{'s' if count != 1 else ''}</li>")
            html += "</ul></div>"
    if html:
        context["body"] = html + context["body"]


def setup(app) -> None:
    app.connect("builder-inited", start)
    app.connect("env-updated", reading_done)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("html-page-context", show_problems)
