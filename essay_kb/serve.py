"""``make serve``: the live preview, with the build kept in memory between edits.

sphinx-autobuild starts a new sphinx-build for every change, which imports Sphinx and this
extension, unpickles the environment and loads the sentence model again before it reads the one
page the author saved: seconds of every edit at 1,000 essays (guide/benchmarks.md). Here one worker
process keeps its Sphinx application and builds again in place when only pages changed; Sphinx's
own incremental build then reads what changed, as a new sphinx-build would.

Anything else that changes (conf.py, the themes file, the redirects, the extension's code: what a
build reads once, when it starts) ends that worker and starts a fresh one, which is exactly a new
sphinx-build; so does a build that fails. The server, its file watcher and the reload script are
sphinx-autobuild's own; only the build step differs (its watcher runs each build in a new process,
which would lose the application kept here).

    python -m essay_kb serve [--host H] [--port P] [--watch DIR] [--ignore GLOB] [-D name=value]
                             -b BUILDER -c CONFDIR -d DOCTREES SOURCEDIR OUTDIR
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import multiprocessing
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

PAGE_SUFFIX = ".md"


@dataclass
class Options:
    """What a build needs: sphinx-build's own options, the few ``make serve`` passes."""
    sourcedir: Path
    outdir: Path
    confdir: Path
    doctreedir: Path
    builder: str = "dirhtml"
    overrides: dict[str, str] = field(default_factory=dict)
    quiet: bool = False  # only warnings (sphinx-build -q): for benchmarks

    def page_only(self, changed: list[Path]) -> bool:
        """Whether every changed file is a page's Markdown (Sphinx notices these itself: their times,
        and the files they include or attach), not something a build reads once when it starts."""
        source = self.sourcedir.resolve()
        return bool(changed) and all(
            path.suffix == PAGE_SUFFIX and path.resolve().is_relative_to(source) for path in changed)


def preview_overrides(dev_server: str) -> dict[str, str]:
    """What ``make serve`` sets (-D): the preview's pages, which allow the reload script from
    ``dev_server`` (host:port)."""
    return {"kb_preview": "1", "kb_dev_server": dev_server}


# -- the worker: one Sphinx application, built again on request -------------------------------------

def open_app(options: Options):
    from sphinx.application import Sphinx

    return Sphinx(str(options.sourcedir), str(options.confdir), str(options.outdir), str(options.doctreedir),
                  options.builder, confoverrides=dict(options.overrides), status=None if options.quiet else sys.stdout,
                  warning=sys.stderr)


def before_rebuild(app) -> None:
    """Before a build in place: what a new sphinx-build checks once, at config-inited, before Sphinx
    looks for pages (a page added since could be a link out of the source folder); and the doctrees
    Sphinx keeps in memory from the last build forgotten, as Sphinx's own test application does
    before each build (sphinx.testing.util.SphinxTestApp.build): a page read again would otherwise
    be written from its old doctree."""
    from .files import check_tree

    check_tree(app, app.config)
    app.env._pickled_doctree_cache.clear()
    app.env.__dict__.pop("master_doctree", None)  # a cached_property: the root page's old doctree


def load_model_while_idle() -> None:
    """The sentence model loaded while the author reads the first build (a second at most): a build
    whose sections were all in the vector cache never loaded it, and the first edit would wait for it."""
    from .meaning import embedding, loaded_model

    try:
        loaded_model()
    except embedding.ModelMissing:  # said by the build that needs it
        pass


class EnvironmentSavedLater:
    """Sphinx saves the environment (pickles it) between reading and writing, for the next process to
    start from: at 1,000 essays half a second of an edit. The kept worker is that next process, so
    during its builds Sphinx's ``pickle.dump`` of the environment only notes where, and ``save()``
    writes the environment there after the answer, while the author reads the page: the state the
    worker builds on next, which a fresh worker then loads. Sphinx opens (empties) the file before
    the dump, so a worker killed in between leaves one Sphinx cannot load, and the next build reads
    every page, as after a build that raised. Everything else pickled (doctrees) is pickled as ever."""

    def __init__(self, app):
        import pickle

        self.app, self.pickle, self.path, self.protocol = app, pickle, None, None
        self.noting = types.SimpleNamespace(**{**vars(pickle), "dump": self.dump})

    def dump(self, obj, file, protocol=None, **kwargs) -> None:
        if obj is self.app.env:
            self.path, self.protocol = Path(file.name), protocol
        else:
            self.pickle.dump(obj, file, protocol, **kwargs)

    @contextlib.contextmanager
    def during_build(self):
        import sphinx.builders

        real, sphinx.builders.pickle = sphinx.builders.pickle, self.noting
        try:
            yield
        finally:
            sphinx.builders.pickle = real

    def save(self) -> None:
        if self.path is None:
            return
        partial = self.path.with_suffix(".partial")
        with partial.open("wb") as file:
            self.pickle.dump(self.app.env, file, self.protocol)
        partial.replace(self.path)
        self.path = None


def work(options: Options, requests) -> None:
    """The worker's loop: for each request, build and answer with Sphinx's status (0: built). Ends
    after a failure, so that the next build starts from a fresh application."""
    from sphinx._cli.util.colour import disable_colour, terminal_supports_colour
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    if not terminal_supports_colour():  # as sphinx-build decides (its --color auto)
        disable_colour()
    app = None
    try:
        with patch_docutils(str(options.confdir)), docutils_namespace():
            while requests.recv():  # EOFError when the server has gone
                if app is None:
                    app = open_app(options)
                    environment = EnvironmentSavedLater(app)
                else:
                    before_rebuild(app)
                    # Python's cycle collector would walk the whole kept environment again and again
                    # during a page's build (a tenth of its time at 1,000 essays): it runs after the
                    # answer instead, while the author reads the page. One build's garbage waits.
                    # (Turned on only after the answer: the first allocation would start it.)
                    gc.disable()
                with environment.during_build():
                    app.build()
                requests.send(app.statuscode)
                environment.save()  # a failed build's too: the fresh worker after it starts from it
                if app.statuscode:
                    return
                gc.enable()
                gc.collect()
                load_model_while_idle()
                requests.send("idle")
    except (EOFError, KeyboardInterrupt):  # the server has gone, or Ctrl+C reached the worker too
        return
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - shown, then a fresh worker
        if not isinstance(exc, SystemExit):  # the settings' and files' checks have logged theirs
            traceback.print_exc()
        requests.send(2)


class Builds:
    """The ``change_callback`` sphinx-autobuild's server calls: one build per change, in the worker
    kept for page edits."""

    def __init__(self, options: Options):
        self.options = options
        self.context = multiprocessing.get_context("spawn")  # a fresh worker imports the code as it is now
        self.worker = None
        self.requests = None
        self.busy = False
        self.builds = 0  # by the current worker (tests read it)

    def __call__(self, *, changed_paths=()) -> int:
        changed = [Path(p) for p in changed_paths]
        if self.worker is not None and not self.options.page_only(changed):
            self.stop()
        if self.worker is None:
            self.start()
        self.builds += 1
        try:
            self.idle()
            self.requests.send(True)
            status = self.requests.recv()
            self.busy = status == 0  # tidying up after the build (idle says when it is done)
        except (EOFError, OSError):
            status = 2
        if status:
            self.stop()
            print("The build failed: fix the problem above and save again; the preview shows the last "
                  "pages built until then.", file=sys.stderr, flush=True)
        return status

    def idle(self) -> None:
        """Wait until the worker has done what it does after answering (freeing the build's memory):
        a change saved in the meantime is built after it."""
        if self.busy:
            self.requests.recv()
            self.busy = False

    def start(self) -> None:
        self.requests, theirs = self.context.Pipe()
        # Not a daemon: sphinx-sitemap starts a process of its own. If this process dies, the worker's
        # next recv() ends it.
        self.worker = self.context.Process(target=work, args=(self.options, theirs))
        self.worker.start()
        theirs.close()
        self.builds = 0

    def stop(self) -> None:
        if self.worker is None:
            return
        try:
            self.requests.send(False)
        except OSError:
            pass
        self.worker.join(timeout=30)
        if self.worker.is_alive():
            self.worker.kill()
            self.worker.join()
        self.requests.close()
        self.worker = self.requests = None
        self.busy = False


# -- the server: sphinx-autobuild's, each build run in this process's worker ------------------------

def rebuild_server(paths, ignore, builds: Builds):
    import watchfiles
    from sphinx_autobuild.server import RebuildServer

    editor_files = watchfiles.DefaultFilter()  # an editor's swap and backup files, caches: no build

    class KeptBuildServer(RebuildServer):
        async def watch(self) -> None:  # as RebuildServer.watch, the build in a thread, not a new process
            async for changes in watchfiles.awatch(
                    *self.paths, watch_filter=lambda change, path: editor_files(change, path) and not self.ignore(path)):
                await asyncio.to_thread(self.change_callback, changed_paths=[Path(p).resolve() for _, p in changes])
                self.flag.set()

    return KeptBuildServer(paths, ignore, change_callback=builds)


def parse(argv: list[str]) -> tuple[Options, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python -m essay_kb serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("sourcedir", type=Path)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("-b", dest="builder", default="dirhtml")
    parser.add_argument("-c", dest="confdir", type=Path)
    parser.add_argument("-d", dest="doctreedir", type=Path, required=True)
    parser.add_argument("-D", dest="define", action="append", default=[], metavar="name=value")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--watch", action="append", default=[], type=Path, help="another folder to watch")
    parser.add_argument("--ignore", action="append", default=[], help="a glob of paths not to watch")
    args = parser.parse_args(argv)
    overrides = {}
    for item in args.define:
        name, equals, value = item.partition("=")
        if not equals:
            parser.error(f"-D {item}: give it as name=value")
        overrides[name] = value
    # Always the preview: a kept application relies on what kb_preview gives (drafts read like any
    # page, not left out when Sphinx starts; problems shown on the pages, not ending the build).
    overrides["kb_preview"] = "1"
    options = Options(args.sourcedir.resolve(), args.outdir.resolve(), (args.confdir or args.sourcedir).resolve(),
                      args.doctreedir.resolve(), args.builder, overrides)
    return options, args


def main(argv: list[str]) -> int:
    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    options, args = parse(argv)
    options.outdir.mkdir(parents=True, exist_ok=True)
    builds = Builds(options)
    ignore = IgnoreFilter([".git", "node_modules", ".venv", *args.ignore, options.outdir, options.doctreedir], [])
    watcher = rebuild_server([options.sourcedir, *args.watch], ignore, builds)
    url_host = f"{args.host}:{args.port}"
    server = Starlette(routes=[WebSocketRoute("/websocket-reload", watcher, name="reload"),
                               Mount("/", app=StaticFiles(directory=options.outdir, html=True), name="static")],
                       middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=url_host)],
                       lifespan=watcher.lifespan)
    print("Building the preview ...", flush=True)
    builds()
    print(f"The preview is on http://{url_host}/ (Ctrl+C ends it); it rebuilds when you save a file.", flush=True)
    try:
        uvicorn.run(server, host=args.host, port=args.port, log_level="warning")
    except KeyboardInterrupt:
        pass
    finally:
        builds.stop()
    return 0
