"""essay_kb: the Sphinx extension behind the knowledge base.

One module per feature; ``setup()`` wires them together. See README.md for what each does.
"""

from __future__ import annotations

from . import connections, dependencies, directory, layout, permalinks, model, navigation, search, sections, settings, sitemap, themes
from . import feed, helplines, markup, not_found, output, previews, printing, privacy

__version__ = "0.1.0"

# Bump when the shape of data stored in the environment (env.kb_*) changes.
ENV_VERSION = 4


def fill_placeholders(app, doctree, docname) -> None:
    themes.fill_placeholders(app, doctree, docname)
    navigation.fill_essay_meta(app, doctree, docname)
    directory.fill_directory(app, doctree, docname)
    connections.fill_connections(app, doctree, docname)


def setup(app):
    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_sitemap")
    settings.setup(app)
    helplines.setup(app)
    model.setup(app)
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
    output.setup(app)
    dependencies.setup(app, [themes.render_inputs, navigation.render_inputs, directory.render_inputs,
                                    permalinks.render_inputs, connections.render_inputs])
    app.connect("doctree-resolved", fill_placeholders)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
