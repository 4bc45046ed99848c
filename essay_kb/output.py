"""The output folder holds exactly the current site.

Sphinx leaves behind the page of a document it no longer has: a deleted draft, or an essay
renamed while the build had no record of it (after a failed build, ``make html`` drops that
record, so the next build cannot know what was deleted). At the end of every build, each page
(``.html``), copied source (``_sources/``), image (``_images/``) and download (``_downloads/``)
that this build did not make is removed, so an upload never publishes a page or a file the site
no longer has. A redirect stub that ``redirects.yaml`` asks for is made by every build, so it stays.

Every file the extension writes into the output folder is named through ``site_file``, which
refuses a path that would end outside the folder or on top of a file or folder already there.

That a failed build leaves nothing to publish at all is the Makefile's part: it builds into
``_build/html.partial`` and moves the folder into place only when the build succeeds.
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.errors import SphinxError
from sphinx.util import logging

logger = logging.getLogger(__name__)


def note_page(app, pagename, templatename, context, doctree) -> None:
    """Every page this build renders: documents, and pages made by extensions (redirect stubs,
    search, the 404 page), which are rendered at every build."""
    app.builder.kb_rendered_pages.add(pagename)


def start(app) -> None:
    app.builder.kb_rendered_pages = set()


ATTACHMENT_FOLDERS = ("_sources", "_downloads")  # and the builder's imagedir (_images)


class OutsideSite(SphinxError):
    category = "Refused to write a file"


def site_file(site: str | Path, *parts: str | Path) -> Path:
    """The file at ``parts`` (relative) in the output folder ``site`` (app.outdir), checked: it stays inside the folder once
    links are followed, no folder on its way is a file, and it is not itself a folder. Raises
    ``OutsideSite`` otherwise; inputs that choose a path (redirects) are checked before they get here."""
    outdir = Path(os.path.realpath(site))
    path = Path(site, *parts)
    resolved = Path(os.path.realpath(path))
    if not resolved.is_relative_to(outdir) or resolved == outdir:
        raise OutsideSite(f"{path} is outside the output folder {site}.")
    for folder in reversed(resolved.relative_to(outdir).parents[:-1]):
        if (outdir / folder).exists() and not (outdir / folder).is_dir():
            raise OutsideSite(f"{path}: {outdir / folder} is a file, so nothing can be written inside it.")
    if resolved.is_dir():
        raise OutsideSite(f"{path} is a folder, so it cannot be written as a file.")
    return path


def expected_pages(app) -> set[Path]:
    """The pages (.html) this build made, and the files html_extra_path copies as they are."""
    builder, env = app.builder, app.env
    pages = {Path(builder.get_outfilename(name)) for name in env.found_docs | builder.kb_rendered_pages}
    pages |= {Path(builder.outdir, f"{name}.html") for name in builder.kb_rendered_pages}  # 404.html
    return pages | extra_files(app)


def expected_files(app) -> set[Path]:
    builder, env = app.builder, app.env
    sources = {Path(builder.outdir, "_sources", str(env.doc2path(d, False)) + builder.config.html_sourcelink_suffix)
               for d in env.found_docs}
    images = {Path(builder.outdir, builder.imagedir, name) for _, name in env.images.values()}
    downloads = {Path(builder.outdir, "_downloads", destination) for _, destination in env.dlfiles.values()}
    return expected_pages(app) | sources | images | downloads


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
    for folder in (*ATTACHMENT_FOLDERS, app.builder.imagedir):
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
