"""The output folder holds exactly the current site.

Sphinx leaves behind the page of a document it no longer has: a deleted draft, or an essay
renamed while the build had no record of it (after a failed build, ``make html`` drops that
record, so the next build cannot know what was deleted). At the end of every build, each page
(``.html``), copied source (``_sources/``) and image (``_images/``) that this build did not make
is removed, so an upload never publishes a page the site no longer has. A redirect stub that
``redirects.yaml`` asks for is made by every build, so it stays.

That a failed build leaves nothing to publish at all is the Makefile's part: it builds into
``_build/html.partial`` and moves the folder into place only when the build succeeds.
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def note_page(app, pagename, templatename, context, doctree) -> None:
    """Every page this build renders: documents, and pages made by extensions (redirect stubs,
    search, the 404 page), which are rendered at every build."""
    app.builder.kb_rendered_pages.add(pagename)


def start(app) -> None:
    app.builder.kb_rendered_pages = set()


def expected_files(app) -> set[Path]:
    builder, env = app.builder, app.env
    pages = {Path(builder.get_outfilename(name)) for name in env.found_docs | builder.kb_rendered_pages}
    pages |= {Path(builder.outdir, f"{name}.html") for name in builder.kb_rendered_pages}  # 404.html
    sources = {Path(builder.outdir, "_sources", str(env.doc2path(d, False)) + builder.config.html_sourcelink_suffix)
               for d in env.found_docs}
    images = {Path(builder.outdir, builder.imagedir, name) for _, name in env.images.values()}
    return pages | sources | images | extra_files(app)


def extra_files(app) -> set[Path]:
    """What html_extra_path copies into the site as it is (it may hold .html files)."""
    found = set()
    for entry in app.config.html_extra_path:
        source = Path(app.confdir, entry)
        paths = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
        found |= {Path(app.outdir, p.relative_to(source if source.is_dir() else source.parent)) for p in paths}
    return found


def stale_files(app) -> list[Path]:
    outdir = Path(app.outdir)
    expected = expected_files(app)
    found = [p for p in outdir.rglob("*.html") if not p.relative_to(outdir).parts[0].startswith("_")]
    for folder in ("_sources", app.builder.imagedir):
        found += [p for p in (outdir / folder).rglob("*") if p.is_file()]
    return sorted(p for p in found if p not in expected)


def remove_stale_files(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    stale = stale_files(app)
    for path in stale:
        path.unlink()
        folder = path.parent
        while folder != outdir and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    if stale:
        logger.info("removed %d file(s) this build did not make: %s", len(stale),
                    ", ".join(os.path.relpath(p, outdir) for p in stale[:5]) + (" ..." if len(stale) > 5 else ""))


def setup(app) -> None:
    app.connect("builder-inited", start)
    app.connect("html-page-context", note_page)
    # build-finished: remove_stale_files is connected from essay_kb.HANDLER_ORDER (its order matters).
