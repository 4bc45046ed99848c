"""One enum of warning subtypes: every warning the extension gives names one, and each one is used."""

import ast

from conftest import REPO
from essay_kb.warnings_ import TYPE, KbWarning

SOURCES = sorted((REPO / "essay_kb").glob("*.py"))


def warning_calls():
    """(file:line, call) for every ``<something>.warning(...)`` or ``.error(...)`` in the extension
    (settings mistakes are errors: the build stops there)."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (node.func.attr == "warning" or (
                    node.func.attr == "error" and getattr(node.func.value, "id", "") == "logger")):
                yield f"{path.name}:{node.lineno}", node


def subtype_of(call) -> str | None:
    keywords = {k.arg: k.value for k in call.keywords}
    kind, subtype = keywords.get("type"), keywords.get("subtype")
    if not (isinstance(kind, ast.Constant) and kind.value == TYPE):
        return None
    if isinstance(subtype, ast.Attribute) and isinstance(subtype.value, ast.Name) and subtype.value.id == "KbWarning":
        return subtype.attr
    return None


def test_every_warning_names_a_subtype_from_the_enum():
    calls = list(warning_calls())
    assert len(calls) >= 10  # the scan sees the extension's warnings
    assert [where for where, call in calls if subtype_of(call) not in KbWarning.__members__] == []


def test_every_subtype_is_used_and_says_what_it_means():
    used = {subtype_of(call) for _, call in warning_calls()}
    assert set(KbWarning.__members__) == used
    for member in KbWarning:
        assert member.meaning.endswith(".") and len(member.meaning) > 20, member


def test_a_subtype_reads_as_its_name_in_messages_and_settings():
    assert f"{TYPE}.{KbWarning.SECTION_ID}" == "kb.section_id"
    assert KbWarning.ESSAY == "essay" and str(KbWarning.ESSAY) == "essay"
