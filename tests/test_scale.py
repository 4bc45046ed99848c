"""essay_kb/scale.py: Sphinx's std domain and MyST's reference resolver, made to grow with the site,
give the answers of the methods they replace."""

from types import SimpleNamespace

import pytest
from myst_parser.sphinx_ext import myst_refs

from conftest import copy_root, edit, soup
from essay_kb import scale

pytestmark = pytest.mark.filterwarnings(r"ignore:.*\.app' is deprecated")


@pytest.fixture
def app(tmp_path):
    from sphinx.testing.util import SphinxTestApp

    root = copy_root(tmp_path)
    # An explicit label, and links to it by its name and by its anchor from another essay.
    edit(root / "essays" / "one.md", "{#one-second}\n## Second part of one\n",
         "(later-part)=\n## Second part of one\n")
    edit(root / "essays" / "two.md", "See [the other](one.md).", "See [the later part](one.md#later-part).")
    app = SphinxTestApp("dirhtml", srcdir=root)
    try:
        yield app
    finally:
        app.cleanup()


def resolver(cls, env):
    """A resolver of the given class reading ``env`` (its label lookup needs nothing else)."""
    found = cls.__new__(cls)
    found.document = SimpleNamespace(settings=SimpleNamespace(env=env))
    return found


def test_the_label_lookup_answers_as_myst_does_for_every_page_and_id(app):
    app.build()
    std = app.env.domains.standard_domain
    assert isinstance(std, scale.StandardDomain)
    ids = {name for store in (std.labels, std.anonlabels) for name, entry in store.items()}
    ids |= {entry[1] for store in (std.labels, std.anonlabels) for entry in store.values()}
    assert "later-part" in ids  # the explicit label is in the tables the lookup reads
    ours, myst = resolver(scale.MystReferenceResolver, app.env), resolver(myst_refs.MystReferenceResolver, app.env)
    for docname in sorted(app.env.all_docs):
        for ref_id in sorted(ids | {"no-such-id"}):
            assert ours._std_label_in_doc(docname, ref_id) == myst._std_label_in_doc(docname, ref_id), (docname, ref_id)
    assert ours._std_label_in_doc("essays/one", "later-part") == ("later-part", "Second part of one")
    link = soup(app.outdir / "essays" / "two" / "index.html").select_one('a[href*="later-part"]')
    assert link["href"] == "../one/#later-part" and link.get_text() == "the later part"


def test_a_page_read_again_has_its_old_labels_cleared_and_its_new_ones_found(app):
    app.build()
    std = app.env.domains.standard_domain
    assert not std.never_read  # every page was new, and each was cleared once
    assert std.labels["later-part"][0] == "essays/one"
    edit(app.srcdir / "essays" / "one.md", "(later-part)=\n", "(the-end)=\n")
    edit(app.srcdir / "essays" / "two.md", "(one.md#later-part)", "(one.md#the-end)")
    app.build()
    assert "later-part" not in std.labels and std.labels["the-end"][0] == "essays/one"
    assert resolver(scale.MystReferenceResolver, app.env)._std_label_in_doc("essays/one", "the-end") == (
        "the-end", "Second part of one")
    assert soup(app.outdir / "essays" / "two" / "index.html").select_one('a[href="../one/#the-end"]')
