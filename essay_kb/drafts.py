"""Drafts cannot publish.

An essay with ``draft: true`` in its front matter is read only by the preview (``make serve`` sets
``kb_preview``), where its page says it is a draft. Every other build leaves it out before anything
is read: it is added to ``exclude_patterns`` at ``config-inited``, so it never reaches a page, the
search index, the sitemap, the feed, the link directory or a reading list (each of those is built
from what Sphinx read). A published essay that links to a draft fails the build like any broken link.

A published essay may not keep any of the sentences ``make new`` starts it with (``new.placeholders``):
each one left in is named with its line.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.util import logging

from .model import FRONT_MATTER, is_essay, split_front_matter
from .source import decode
from .warnings_ import KbWarning

logger = logging.getLogger(__name__)


def is_draft(text: str) -> bool:
    # Every build asks this of every essay before reading anything (an unchanged one too), so the
    # YAML is parsed only when the front matter could name the field: "draft" written out, or
    # escaped in a quoted name ("dr\\x61ft" holds a backslash). Anything else is not a draft.
    front = FRONT_MATTER.match(text.removeprefix("\ufeff"))
    if front is None or ("draft" not in (front.group(1) or "").lower() and "\\" not in (front.group(1) or "")):
        return False
    data, _, _ = split_front_matter(text)
    return bool(data) and data.get("draft") is True


def draft_files(essays_dir: Path) -> list[Path]:
    """The essays whose front matter says ``draft: true`` (unreadable files are left to the build's
    own checks, which name them)."""
    drafts = []
    for path in sorted(essays_dir.glob("*.md")):
        try:
            text, problem = decode(path.read_bytes())
        except OSError:
            continue
        if text is not None and not problem and is_draft(text):
            drafts.append(path)
    return drafts


def leave_out_drafts(app, config) -> None:
    if config.kb_preview:
        return
    srcdir = Path(app.srcdir)
    drafts = [path.relative_to(srcdir).as_posix() for path in draft_files(srcdir / config.kb_essays_dir)]
    # A new list: when conf.py sets none, the list is Sphinx's default, shared by every application
    # in the process; appending to it would leave these drafts out of the next one's build too.
    config.exclude_patterns = [*config.exclude_patterns, *drafts]


def check_no_placeholders(app, doctree) -> None:
    """A published essay keeps none of the starting file's sentences (a draft may, in the preview)."""
    env = app.env
    if not is_essay(app, env.docname):
        return
    text = env.doc2path(env.docname).read_text(encoding="utf-8-sig")
    if is_draft(text):
        return
    from .new import placeholders  # here, not at the top: `python -m essay_kb.new` imports this package first
    for number, line in enumerate(text.splitlines(), start=1):
        for sentence in placeholders():
            if sentence in line:
                logger.warning(
                    f"'{sentence}' is a sentence from the starting file that make new wrote. Replace it "
                    "with your own words (or, while you are still writing, put 'draft: true' in the front "
                    "matter so only the preview shows the essay).",
                    location=(env.docname, number), type="kb", subtype=KbWarning.PLACEHOLDER)


def mark_drafts(app, pagename, templatename, context, doctree) -> None:
    """In the preview, a draft's page says so above its title."""
    essay = getattr(app.env, "kb_essays", {}).get(pagename)
    if app.config.kb_preview and essay and essay.get("draft") and "body" in context:
        context["body"] = (
            '<p class="kb-preview-note kb-draft-note" role="note"><strong>Draft.</strong> Only the preview '
            "shows this essay. <code>make html</code> leaves it out of the site until you remove "
            "<code>draft: true</code> from its front matter.</p>" + context["body"])


def setup(app) -> None:
    app.connect("config-inited", leave_out_drafts)
    app.connect("doctree-read", check_no_placeholders)
    app.connect("html-page-context", mark_drafts)
