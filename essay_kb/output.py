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

import hashlib
import json
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
    new_build(app)
    if app.config.kb_site_dir:
        # make html builds into <site>.partial and moves it into place once the build succeeds:
        # Sphinx's own last line would name the .partial folder the author will never see.
        app.builder.epilog = "The site is in " + app.config.kb_site_dir.replace("%", "%%") + "."


def new_build(app, *_) -> list[str]:
    """At each build's start (a kept application builds many times: essay_kb.serve)."""
    app.builder.kb_rendered_pages = set()
    return []  # env-get-outdated: no page added to those read


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


def files_under(folder: Path) -> list[tuple[Path, tuple[str, ...]]]:
    """Every file under ``folder`` (following links, as ``Path.rglob``), sorted, each with the parts of
    its path inside the folder. By ``os.walk``: on a site of thousands of files, ``rglob`` and a
    ``relative_to`` and ``is_dir`` per path took a few times as long, at every build."""
    found = []
    for root, _, names in os.walk(folder, followlinks=True):
        inside = Path(root).relative_to(folder).parts
        found += [(Path(root, name), (*inside, name)) for name in names]
    return sorted(found)


def stale_files(app) -> list[Path]:
    expected = expected_files(app)
    published = (*ATTACHMENT_FOLDERS, app.builder.imagedir)
    # Pages, attachments, and Sphinx's copy of its previous build record, made when the configuration
    # changed: nothing to publish (the output check refused it, so the first build after a change to
    # conf.py failed).
    return [path for path, parts in files_under(Path(app.outdir))
            if (parts[0] in published or (path.name.endswith(".html") and not parts[0].startswith("_"))
                or parts == (".buildinfo.bak",)) and path not in expected]


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


def write_if_changed(path: Path, content: str | bytes) -> None:
    """``content`` at ``path``, written only if the file differs: an unchanged file keeps its time,
    so an incremental build touches, and a deploy uploads, only what changed."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_folder(folder: Path, files: dict[str, str], record: Path | None = None) -> None:
    """Make ``folder`` hold exactly ``files`` ({relative path: text}): files whose content changed are
    written, the others are left untouched (so an incremental build touches, and a deploy uploads,
    only what changed), and files no longer in ``files`` are removed.

    ``record`` (a file outside the site) keeps each file's size, modification time and hash as last
    written, so an unchanged file is recognised by its ``stat`` instead of being read back: the
    search index is thousands of files, and reading them all back was most of an incremental build.
    A file whose size or time differs from the record (edited or touched since) is compared by
    content, as without a record."""
    try:
        known = json.loads(record.read_text(encoding="utf-8")) if record and record.is_file() else {}
    except ValueError:
        known = {}
    present: dict[str, os.stat_result] = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            present[os.path.relpath(path, folder).replace(os.sep, "/")] = os.stat(path)
    for name in present.keys() - files.keys():
        os.unlink(os.path.join(folder, name))
    written: dict[str, list] = {}
    for name, text in files.items():
        data = text.encode("utf-8")
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        path, stat = Path(folder, name), present.get(name)
        unchanged = stat is not None and (
            known.get(name) == [stat.st_size, stat.st_mtime_ns, digest]
            or (stat.st_size == len(data) and path.read_bytes() == data))
        if not unchanged:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            stat = path.stat()
        written[name] = [stat.st_size, stat.st_mtime_ns, digest]
    if record is not None:
        record.parent.mkdir(parents=True, exist_ok=True)
        partial = record.with_name(record.name + ".part")  # whole or not at all
        partial.write_text(json.dumps(written, sort_keys=True), encoding="utf-8")
        partial.replace(record)


def setup(app) -> None:
    app.connect("builder-inited", start)
    # env-get-outdated: new_build is connected from essay_kb.HANDLER_ORDER (it must run first).
    app.connect("html-page-context", note_page)
    # build-finished: remove_stale_files is connected from essay_kb.HANDLER_ORDER (its order matters).
