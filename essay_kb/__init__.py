"""essay_kb: the Sphinx extension behind the knowledge base.

One module per feature; ``setup()`` wires them together. guide/engineering.md says what each does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import connections, dependencies, directory, layout, permalinks, model, navigation, search, sections, settings, sitemap, themes
from . import drafts, feed, helplines, markup, preview, not_found, output, previews, printing, privacy, reading_list, review, risk, safety, schema
from . import files
from . import safety_plan
from . import scale
from . import scripts

__version__ = "0.1.0"

# Bump DATA_VERSION when the shape of other data stored in the environment (env.kb_*) changes;
# the essay records' part follows the front-matter table (schema.FIELDS) by itself.
DATA_VERSION = 8  # 7: env.kb_discreet_pages (previews.py); 8: env.kb_search holds JSON text (search.py)
ENV_VERSION = schema.env_version(DATA_VERSION)


@dataclass(frozen=True)
class Ordered:
    """A handler whose place among an event's handlers matters, and why."""

    event: str
    handler: Callable
    priority: int
    why: str
    # Other handlers (module.function) it must run after or before: tests/test_order.py checks
    # them against the installed extensions, whose priorities could change in a new version.
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()


# Every handler whose order matters, in one place: setup() connects these, the modules' own setup()
# do not. Sphinx runs an event's handlers by priority, lower first (default 500), then in the
# order they were connected.
HANDLER_ORDER = (
    Ordered("config-inited", layout.add_paths, 600,
            "After the other extensions' config-inited handlers, so the site's templates come first in "
            "templates_path and its theme options are final; before Sphinx checks the settings' types (800).",
            before=("sphinx.config.check_confval_types",)),
    Ordered("builder-inited", sitemap.use_plain_queue, 600,
            "Replaces the multiprocessing queue sphinx-sitemap makes at builder-inited with a plain one.",
            after=("sphinx_sitemap.record_builder_type",)),
    Ordered("env-before-read-docs", scale.note_never_read, 900,
            "Last, so that the documents it notes as never read are the list every other handler leaves.",
            after=("essay_kb.model.skip_unreadable_files",)),
    Ordered("env-get-outdated", output.new_build, 0,
            "First event of every build (a kept application, essay_kb/serve.py, builds many times and "
            "emits builder-inited once): the pages rendered are counted from here."),
    Ordered("env-get-outdated", preview.new_build, 0,
            "First event of every build, as above: warnings given from here are read-time ones until "
            "reading ends, and the problems of no page are this build's."),
    Ordered("env-updated", navigation.start_sharing, 100,
            "First: from here on each theme's sidebar inputs are made once, for the fingerprints and the writers.",
            before=("essay_kb.dependencies.pages_to_rewrite",)),
    Ordered("env-updated", connections.update_graph, 400,
            "Computes the site's backlinks and related essays, which the fingerprints then hash.",
            before=("essay_kb.dependencies.pages_to_rewrite",)),
    Ordered("env-updated", dependencies.pages_to_rewrite, 500,
            "Fingerprints every page's inputs from other pages, once everything above has computed them, "
            "and returns the pages to rewrite."),
    Ordered("html-page-context", navigation.on_page_context, 400,
            "Replaces context['toctree'] before Furo's handler renders it into the sidebar.",
            before=("furo._html_page_context",)),
    Ordered("html-page-context", not_found.page_context, 450,
            "After sphinx-notfound-page has made the 404 page's pathto() absolute, which it wraps; "
            "before Furo renders the sidebar it sets.",
            after=("notfound.extension.finalize_media",), before=("furo._html_page_context",)),
    Ordered("html-page-context", safety_plan.add_assets, 450,
            "Adds the safety plan's script and styles to its page before layout.page_context copies the "
            "page's lists of assets (dropping the unused ones).",
            before=("essay_kb.layout.page_context",)),
    Ordered("build-finished", output.remove_stale_files, 300,
            "Before not_found.publish moves 404/index.html to 404.html, so that the page it moves is "
            "still where this build wrote it (and is not taken for a stale file).",
            before=("essay_kb.not_found.publish",)),
    Ordered("build-finished", sitemap.refill_sitemap_queue, 400,
            "Refills the queue of pages before sphinx-sitemap writes sitemap.xml from it.",
            before=("sphinx_sitemap.create_sitemap",)),
    Ordered("doctree-read", files.check_attachments, 400,
            "Before Sphinx's collectors note a page's pictures and downloads to copy, so that a refused "
            "file is dropped from the page and never copied into the site.",
            before=("sphinx.environment.collectors.asset.ImageCollector.process_doc",
                    "sphinx.environment.collectors.asset.DownloadFileCollector.process_doc")),
    Ordered("build-finished", files.scan_output, 850,
            "After every handler that writes into the output folder (the 404 page, the feed, the search "
            "index, the QR codes), so that the scan sees every file the site will publish.",
            after=("essay_kb.not_found.publish", "essay_kb.search.build_index")),
    Ordered("build-finished", review.report_overdue, 900,
            "Last, so the essays overdue for review are listed under everything else the build printed."),
)


def fill_placeholders(app, doctree, docname) -> None:
    themes.fill_placeholders(app, doctree, docname)
    navigation.fill_essay_meta(app, doctree, docname)
    directory.fill_directory(app, doctree, docname)
    connections.fill_connections(app, doctree, docname)
    review.fill_page_review(app, doctree, docname)


def setup(app):
    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_sitemap")
    scale.setup(app)  # after myst_parser, whose reference resolver it replaces
    settings.setup(app)
    helplines.setup(app)
    safety.setup(app)
    safety_plan.setup(app)
    risk.setup(app)
    model.setup(app)
    drafts.setup(app)
    preview.setup(app)
    markup.setup(app)
    themes.setup(app)
    navigation.setup(app)
    sections.setup(app)
    layout.setup(app)
    sitemap.setup(app)
    permalinks.setup(app)
    directory.setup(app)
    search.setup(app)
    connections.setup(app)
    privacy.setup(app)
    previews.setup(app)
    feed.setup(app)
    not_found.setup(app)
    printing.setup(app)
    review.setup(app)
    reading_list.setup(app)
    output.setup(app)
    files.setup(app)
    scripts.setup(app)
    # What pages show of other pages: each renderer is handed one of these values, and the pages'
    # fingerprints hash the same values (dependencies.py).
    dependencies.setup(app, [themes.theme_inputs, navigation.sidebar_inputs, directory.directory_inputs,
                             permalinks.section_redirects_for, connections.connection_inputs,
                             safety.help_page_inputs])
    app.connect("doctree-resolved", fill_placeholders)
    for entry in HANDLER_ORDER:
        app.connect(entry.event, entry.handler, priority=entry.priority)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
