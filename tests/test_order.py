"""Handler order is declared in one place (essay_kb.HANDLER_ORDER), and holds against the installed
Sphinx, Furo, sphinx-sitemap and sphinx-notfound-page."""

from operator import attrgetter

import pytest

import essay_kb

pytestmark = pytest.mark.filterwarnings(r"ignore:.*\.app' is deprecated")  # Sphinx 9 on env.app (sitemap.py)


def name(handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


@pytest.fixture(scope="module")
def listeners(tmp_path_factory):
    """Each event's handlers in the order Sphinx runs them, as (name, priority), for the test root."""
    from sphinx.testing.util import SphinxTestApp

    from conftest import copy_root

    app = SphinxTestApp("dirhtml", srcdir=copy_root(tmp_path_factory.mktemp("order")))
    try:
        yield {event: [(name(e.handler), e.priority) for e in sorted(found, key=attrgetter("priority"))]
               for event, found in app.events.listeners.items()}
    finally:
        app.cleanup()


@pytest.mark.parametrize("entry", essay_kb.HANDLER_ORDER, ids=lambda e: f"{e.event}:{e.handler.__name__}")
def test_each_ordered_handler_runs_where_the_table_says(listeners, entry):
    order = [handler for handler, _ in listeners[entry.event]]
    assert (name(entry.handler), entry.priority) in listeners[entry.event]
    assert order.count(name(entry.handler)) == 1
    assert entry.why
    here = order.index(name(entry.handler))
    for other in entry.after:
        assert other in order and order.index(other) < here, f"{other} should run before it"
    for other in entry.before:
        assert other in order and order.index(other) > here, f"{other} should run after it"


def test_no_other_handler_of_ours_has_a_priority_of_its_own(listeners):
    declared = {(entry.event, name(entry.handler)) for entry in essay_kb.HANDLER_ORDER}
    ours = [(event, handler, priority) for event, found in listeners.items() for handler, priority in found
            if handler.startswith("essay_kb.")]
    assert len(ours) > 20  # the scan sees the extension's handlers
    assert [(e, h, p) for e, h, p in ours if p != 500 and (e, h) not in declared] == []
