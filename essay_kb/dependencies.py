"""Incremental builds: rewrite exactly the pages whose shown data from other pages changed.

What a page shows from other pages is declared once per feature, by one function
``inputs(app, docname)`` that returns it as a plain value (tuples, frozen dataclasses; None when
the page shows nothing of the kind): the sidebar's essays and titles, a theme page's essays, an
essay's backlinks, ... The feature's renderer is handed that value, through ``shown()``, and takes
nothing else from other pages; a page's fingerprint is the hash of the same values. After reading,
pages whose fingerprint differs from the one stored at the last build are returned from
``env-updated`` and so rewritten. A renderer cannot use data its fingerprint misses: ``shown``
refuses an inputs function that was not declared, and the value it hands over is the one hashed.

Which pages hold a placeholder (the theme index, the link directory, ...) is recorded as each page
is read (``env.kb_placeholders``), so a page's inputs follow what it contains, not its name.
"""

from __future__ import annotations

import hashlib

from docutils import nodes
from sphinx.errors import ExtensionError

from .collectors import PageDataCollector


class Placeholder(nodes.General, nodes.Element):
    """A node filled at ``doctree-resolved`` with what other pages hold."""


class PlaceholderCollector(PageDataCollector):
    """``env.kb_placeholders[docname]``: the names of the placeholder nodes the page contains."""

    stores = ("kb_placeholders",)

    def process_doc(self, app, doctree):
        app.env.kb_placeholders[app.env.docname] = sorted({node.tagname for node in doctree.findall(Placeholder)})


def holds(env, docname: str, *kinds: type[Placeholder]) -> bool:
    """Whether the page contains a placeholder of one of these kinds."""
    present = getattr(env, "kb_placeholders", {}).get(docname, ())
    return any(kind.__name__ in present for kind in kinds)


def shown(app, docname: str, inputs):
    """What ``docname`` shows from other pages for one feature: the value its fingerprint hashed."""
    if inputs not in app.kb_render_inputs:
        raise ExtensionError(f"{inputs.__module__}.{inputs.__qualname__} is not declared as a render input "
                             "(essay_kb.setup): pages showing it would not be rewritten when it changes")
    remembered = getattr(app, "kb_shown", None) or {}
    if (docname, inputs) in remembered:
        return remembered[docname, inputs]
    return inputs(app, docname)  # a page that is not a document (the 404 page), or outside a build


def fingerprint(app, docname: str) -> str:
    values = [inputs(app, docname) for inputs in app.kb_render_inputs]
    remembered = getattr(app, "kb_shown", None)
    if remembered is not None:
        remembered.update(((docname, inputs), value) for inputs, value in zip(app.kb_render_inputs, values))
    # repr, not pickle: pickle writes a string seen twice as a reference to the first, so equal
    # inputs built from different (re-read) objects would hash differently.
    return hashlib.sha256(repr(values).encode("utf-8")).hexdigest()


def pages_to_rewrite(app, env) -> list[str]:
    stored = getattr(env, "kb_fingerprints", {})
    app.kb_shown = {}
    current = {docname: fingerprint(app, docname) for docname in sorted(env.found_docs)}
    env.kb_fingerprints = current
    return [d for d, value in current.items() if stored.get(d) != value]


def forget_shown(app, exception) -> None:
    app.kb_shown = None


def init_env(app) -> None:
    if not hasattr(app.env, "kb_placeholders"):
        app.env.kb_placeholders = {}


def setup(app, inputs) -> None:
    app.kb_render_inputs = list(inputs)
    app.add_env_collector(PlaceholderCollector)
    app.connect("builder-inited", init_env)
    app.connect("build-finished", forget_shown)

