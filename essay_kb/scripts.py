"""The served scripts of the search and the reading list, joined from their modules.

Each feature's modules (``search_js/``, ``reading_list_js/``; the convention is in
``search_js/words.js``) become two files under ``_static/``:

- ``page_script``: what every page carries (a few KB): the modules that set the feature up on the
  page, inside one function that holds the namespace (nothing global), then ``<ns>.page.start``
  with the build's settings.
- ``later_script``: the rest, which most visits never run, loaded by the first on the page the
  first time the reader uses the feature. It only defines one global function; the page script
  calls it with its own namespace, so the modules join the ones already there. The page script
  names it with a version (``versioned``), so a browser never runs a stale copy beside a new page.

Both come from the site itself, and which file loads never depends on anything the reader typed.
The policy allows them as it allows every file the site ships (``'self'``, privacy.py).

Every script and style sheet the extension ships is served without its comments and spare
whitespace (``minify_static``; rjsmin and rcssmin, which only drop what the language ignores):
the comments are for whoever edits ``essay_kb/``, and about a third of what a page downloads of
them. An essay page transfers about 9 KB gzipped less. They are written into the site's
``_static/`` by the extension itself (``write_static``), not copied there by Sphinx and minified
afterwards: a file whose served form has not changed is never written again, so an edit leaves them
alone and a deploy uploads nothing for them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import rcssmin
import rjsmin

from .output import site_file, write_if_changed

STATIC_DIR = Path(__file__).parent / "static"


def minified(name: str, text: str) -> str:
    """A script (.js) or style sheet (.css) without comments or spare whitespace."""
    return (rjsmin.jsmin(text) if name.endswith(".js") else rcssmin.cssmin(text)).strip() + "\n"


def joined(folder: Path, names: list[str]) -> str:
    return "".join(f"/* {name} */\n" + minified(name, (folder / name).read_text(encoding="utf-8")) for name in names)


def page_script(file: str, namespace: str, folder: Path, names: list[str], settings: dict) -> str:
    return (f"/* {file}: written by essay_kb from essay_kb/{folder.name}/ (edit those). */\n"
            f"(function () {{\n\"use strict\";\nvar {namespace} = {{}};\n" + joined(folder, names)
            + f"{namespace}.page.start({json.dumps(settings, sort_keys=True)});\n}})();\n")


def later_script(file: str, namespace: str, folder: Path, names: list[str], global_name: str) -> str:
    return (f"/* {file}: written by essay_kb from essay_kb/{folder.name}/ (edit those); loaded on first use. */\n"
            f"window.{global_name} = function ({namespace}) {{\n\"use strict\";\n" + joined(folder, names) + "};\n")


def versioned(path: str, text: str) -> str:
    """``path?v=<hash of text>``: a new build's script is fetched afresh, as Sphinx does for the
    files a page names."""
    return f"{path}?v={hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def write_static(app) -> None:
    """builder-inited: the extension's own static files (essay_kb/static/) in the site's ``_static/``
    as they are served, scripts and style sheets minified, each written only when its content
    changed; before any page is written, so Sphinx's ``?v=`` checksums are the served files'."""
    if app.builder.format != "html":
        return
    for source in sorted(STATIC_DIR.iterdir()):
        data = source.read_bytes()
        if source.suffix in (".js", ".css"):
            data = minified(source.name, data.decode("utf-8")).encode("utf-8")
        write_if_changed(site_file(app.outdir, "_static", source.name), data)


def setup(app) -> None:
    app.connect("builder-inited", write_static)
