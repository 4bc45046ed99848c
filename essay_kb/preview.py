"""Problems shown where the author looks: in the preview's pages.

Only when ``kb_preview`` is set (``make serve``). Every warning the build gives that names a page
is kept for that page (``env.kb_problems``: warnings given while a page is read stay until it is
read again, as Sphinx itself keeps its doctrees; those given while it is written, in
``WRITTEN_FILE``, stay until it is written again), and the page shows them at the top, each with its
file:line and the fix the message gives. The home page lists every page that has any, and the
problems that belong to no page (conf.py, the themes file); it is written again at every preview
build, so that list follows the other pages (it shows what pages written after it in the same build
gave the build before). ``make html`` never sets ``kb_preview``, so nothing of this reaches the
published site.
"""

from __future__ import annotations

import json
import logging as std_logging
import os
import re
from html import escape
from pathlib import Path

from docutils.nodes import Node
from sphinx.util import logging

from .output import write_if_changed

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
            if self.app.phase_reading:
                phase = env.kb_problems
            else:
                written_now(self.app, docname)
                phase = self.app.kb_problems_written
            phase.setdefault(docname, [])
            if (line, message) not in phase[docname]:
                phase[docname].append((line, message))
        except Exception:  # noqa: BLE001 - showing problems must never become one
            pass

    def where(self, location) -> tuple[str, int]:
        env = self.app.env
        if isinstance(location, Node):  # a warning given while the page is written names its node
            location = logging.get_node_location(location)
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
    if not hasattr(app.env, "kb_problems"):
        app.env.kb_problems = {}
    app.kb_problems_written = load_written(app)
    new_build(app)
    std_logging.getLogger("sphinx").addHandler(ProblemCatcher(app))


# Problems given while pages are written are kept in a file of their own beside the environment:
# Sphinx saves its environment before it writes any page.
WRITTEN_FILE = "kb-preview-written.json"


def load_written(app) -> dict[str, list[tuple[int, str]]]:
    try:
        data = json.loads(Path(app.doctreedir, WRITTEN_FILE).read_text(encoding="utf-8"))
        return {docname: [(int(line), str(message)) for line, message in problems] for docname, problems in data.items()}
    except (OSError, ValueError, TypeError):  # none yet, or unreadable: the next build writes it again
        return {}


def save_written(app, exception) -> None:
    if app.config.kb_preview:
        write_if_changed(Path(app.doctreedir, WRITTEN_FILE), json.dumps(app.kb_problems_written, sort_keys=True))


def new_build(app, *_) -> list[str]:
    """At each build's start (a kept application builds many times: essay_kb.serve): warnings are
    read-time ones until reading ends; the problems of no page are those of this build."""
    if app.config.kb_preview:
        app.kb_written_now = set()
        app.phase_reading = True
        written_now(app, SITE)
    return []  # env-get-outdated: no page added to those read


def written_now(app, docname: str) -> None:
    """The page is being written in this build: what it gave when last written is forgotten."""
    if docname not in app.kb_written_now:
        app.kb_written_now.add(docname)
        app.kb_problems_written.pop(docname, None)


def reading_done(app, env) -> list[str]:
    app.phase_reading = False
    return [app.config.root_doc] if app.config.kb_preview else []  # its list of pages with problems


def purge(app, env, docname) -> None:
    getattr(env, "kb_problems", {}).pop(docname, None)


def merge(app, env, docnames, other) -> None:
    if hasattr(other, "kb_problems"):
        env.kb_problems.update({d: other.kb_problems[d] for d in docnames if d in other.kb_problems})


def problems_of(app, docname: str) -> list[tuple[int, str]]:
    found = list(app.env.kb_problems.get(docname, [])) + list(app.kb_problems_written.get(docname, []))
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
    written_now(app, pagename)  # written without a problem this time, it shows none of last time's
    html = ""
    mine = problems_of(app, pagename)
    if mine:
        html += ('<div class="kb-preview-note kb-preview-problems" role="alert"><p><strong>'
                 f"{len(mine)} problem{'s' if len(mine) != 1 else ''} on this page.</strong> "
                 "<code>make html</code> will not publish the site until each is fixed:</p>"
                 f"{problem_list(app, pagename, mine)}</div>")
    if pagename == app.config.root_doc:
        others = {d for d in set(env.kb_problems) | set(app.kb_problems_written)
                  if d != pagename and problems_of(app, d)}
        if others:
            html += ('<div class="kb-preview-note kb-preview-problems" role="alert"><p><strong>Pages with '
                     "problems in this preview</strong> (only the preview shows this list):</p><ul>")
            for docname in sorted(others):
                count = len(problems_of(app, docname))
                if docname == SITE:
                    label = "Settings and shared files"
                    html += f"<li>{label}: {problem_list(app, docname, problems_of(app, docname))}</li>"
                else:
                    link = escape(app.builder.get_relative_uri(pagename, docname))
                    html += (f'<li><a href="{link}">{escape(os.path.relpath(env.doc2path(docname)))}</a>: '
                             f"{count} problem{'s' if count != 1 else ''}</li>")
            html += "</ul></div>"
    if html:
        context["body"] = html + context["body"]


def setup(app) -> None:
    app.connect("builder-inited", start)
    # env-get-outdated: new_build is connected from essay_kb.HANDLER_ORDER (it must run first).
    app.connect("env-updated", reading_done)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("html-page-context", show_problems)
    app.connect("build-finished", save_written)
