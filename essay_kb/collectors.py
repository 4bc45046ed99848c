"""The shape every collector of this extension shares (``sphinx/environment/collectors`` style)."""

from __future__ import annotations

from sphinx.environment.collectors import EnvironmentCollector


class PageDataCollector(EnvironmentCollector):
    """Keeps ``env.<store>[docname]`` for each of its ``stores``: a page's entries are dropped when
    it is re-read or removed, and taken over from the readers of a parallel build. A subclass names
    its stores and fills them in ``process_doc``."""

    stores: tuple[str, ...] = ()

    def clear_doc(self, app, env, docname):
        for store in self.stores:
            getattr(env, store).pop(docname, None)

    def merge_other(self, app, env, docnames, other):
        for store in self.stores:
            mine, theirs = getattr(env, store), getattr(other, store)
            for docname in docnames:
                if docname in theirs:
                    mine[docname] = theirs[docname]
