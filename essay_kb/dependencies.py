"""Incremental builds: rewrite exactly the pages whose shown data from other pages changed.

Each feature contributes a ``render_inputs(app, docname)`` function returning what that page
shows from *other* pages (titles in its sidebar, its backlinks, ...). After reading, the
fingerprint of those inputs is compared with the one stored in the environment at the last
build; pages whose fingerprint changed are returned from ``env-updated`` and so rewritten.
"""

from __future__ import annotations

import hashlib


def fingerprint(app, docname: str) -> str:
    inputs = [provider(app, docname) for provider in app.kb_render_inputs]
    # repr, not pickle: pickle writes a string seen twice as a reference to the first, so equal
    # inputs built from different (re-read) objects would hash differently.
    return hashlib.sha256(repr(inputs).encode("utf-8")).hexdigest()


def pages_to_rewrite(app, env) -> list[str]:
    stored = getattr(env, "kb_fingerprints", {})
    current = {docname: fingerprint(app, docname) for docname in sorted(env.found_docs)}
    env.kb_fingerprints = current
    return [d for d, value in current.items() if stored.get(d) != value]


def setup(app, providers) -> None:
    app.kb_render_inputs = list(providers)
    app.connect("env-updated", pages_to_rewrite)

