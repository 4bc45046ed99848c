"""Two lookups of Sphinx and MyST that grow with the square of the site, made to grow with it.

Profiles of clean builds at 200 and 2,000 synthetic essays (guide/benchmarks.md, "Where it bent, and what straightened it")
found two upstream scans of every label of the site, each done once per page or per link:

- Sphinx clears each document before reading it, and the std domain's ``clear_doc`` walks every
  label and object of the site to find the document's own: on a clean build of N pages, N walks of
  the whole table (0.2 s at 200 essays, 17.7 s at 2,000, about 7 minutes at 10,000). A document
  never read before has nothing to clear, so ``StandardDomain`` skips it.
- MyST resolves a link to another page's section (``[text](other.md#id)``) whose id is an explicit
  label by walking every label of the site (``_std_label_in_doc``): 0.17 s at 200 essays, 8.6 s at
  2,000. ``MystReferenceResolver`` looks in the target page's own labels, indexed once per build.

Both are subclasses registered through Sphinx's own means (``add_domain(override=True)`` and the
post-transform list), not patches; each gives the same answers as the method it replaces
(tests/test_scale.py compares them). Both are worth proposing upstream.
"""

from __future__ import annotations

from collections import defaultdict

from myst_parser.sphinx_ext import myst_refs
from sphinx.domains import std


class StandardDomain(std.StandardDomain):
    """Sphinx's std domain, except that clearing a document never read before does nothing, and
    that it can list one page's labels without walking the site's."""

    never_read: frozenset[str] | set[str] = frozenset()      # set per build by note_never_read
    by_doc: dict[str, list] | None = None   # made at the first labels_of() after the pages are read

    def clear_doc(self, docname: str) -> None:
        if docname in self.never_read:
            self.never_read.discard(docname)  # a later clear (once it is read) walks as usual
            # Sphinx's clear_doc makes the glossary terms' table as it walks it, and merging a
            # parallel read's results expects that table (without it, -j 2 fails on a KeyError).
            self.data.setdefault("terms", {})
            return
        super().clear_doc(docname)

    def labels_of(self, docname: str) -> list[tuple[str, tuple]]:
        """The page's labels then anonymous labels, (name, entry) in the tables' order."""
        if self.by_doc is None:
            self.by_doc = defaultdict(list)
            for store in (self.labels, self.anonlabels):
                for name, entry in store.items():
                    self.by_doc[entry[0]].append((name, entry))
        return self.by_doc.get(docname, [])


def note_never_read(app, env, docnames: list[str]) -> None:
    """env-before-read-docs: the documents about to be read that no earlier build read."""
    env.domains.standard_domain.never_read = {d for d in docnames if d not in env.all_docs}


def forget_labels(app, env) -> None:
    """env-updated: the pages were (re)read, so the labels are indexed again when next asked for."""
    env.domains.standard_domain.by_doc = None


class MystReferenceResolver(myst_refs.MystReferenceResolver):
    """MyST's resolver, except that a page's labels are looked up among that page's labels only."""

    def _std_label_in_doc(self, docname: str, ref_id: str) -> tuple[str, str] | None:
        # The same walk as MyST's (labels, then anonymous labels, in the tables' order; an id
        # matches the anchor or the label's name), over the target page's entries only.
        for name, entry in self.env.domains.standard_domain.labels_of(docname):
            title = entry[2] if len(entry) > 2 else ""
            if entry[1] == ref_id:
                return ref_id, title
            if name == ref_id:
                return entry[1], title
        return None


def setup(app) -> None:
    app.add_domain(StandardDomain, override=True)
    transforms = app.registry.post_transforms
    transforms[transforms.index(myst_refs.MystReferenceResolver)] = MystReferenceResolver
    app.connect("env-updated", forget_labels)
