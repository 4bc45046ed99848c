"""A safety plan a reader fills in and prints, and that keeps nothing (issue 22).

The page is Markdown (docs/help/safety-plan.md): the steps, their words and examples are the
author's. Two directives add what Markdown cannot:

- ``{plan-field} Label`` (``:rows:`` for the blank lines printed when it is empty): a labelled
  text box with no form around it (nothing can be submitted, so nothing reaches an address),
  ``autocomplete="off"`` (a browser's autofill is a store of what was typed, and "off" also
  keeps a browser from putting the text back when the page is reopened), and no ``name``.
  Under it, the copy that prints: blank lines to write on, or what was typed (kb-safety-plan.js).
- ``{plan-actions}``: "Print or save as PDF" and "Clear everything", shown once the script runs.

kb-safety-plan.js clears every field when the page is left (``pagehide``) and again when a page
loaded again (a reload, Back, Forward) or restored from the back-forward cache is shown, where a
browser may have put words back; on a first visit it keeps what was typed before it ran. Nothing is stored,
sent or put in the address. Without JavaScript the page prints as a blank form.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

CSS_FILE = "kb-safety-plan.css"
JS_FILE = "kb-safety-plan.js"


class kb_plan_field(nodes.General, nodes.Element):
    """A field of the plan: its id, label and the blank lines printed when it is empty."""


class kb_plan_actions(nodes.General, nodes.Element):
    """The plan's print and clear buttons."""


class PlanFieldDirective(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"rows": directives.positive_int}

    def run(self):
        node = kb_plan_field(label=" ".join(self.arguments[0].split()), rows=min(self.options.get("rows", 3), 8),
                             field_id=f"kb-plan-{self.env.new_serialno('kb-plan-field') + 1}")
        self.set_source_info(node)
        return [node]


class PlanActionsDirective(SphinxDirective):
    def run(self):
        node = kb_plan_actions()
        self.set_source_info(node)
        return [node]


def field_html(field_id: str, label: str, rows: int) -> str:
    rules = '<span class="kb-plan-rule"></span>' * rows
    # placeholder=" ": lets the print CSS tell an empty box from a filled one without JavaScript.
    return (f'<div class="kb-plan-field"><label for="{field_id}">{escape(label)}</label>'
            f'<textarea id="{field_id}" rows="{rows}" autocomplete="off" placeholder=" " data-plan-field></textarea>'
            f'<div class="kb-plan-written" data-plan-written="{field_id}" data-rows="{rows}">{rules}</div></div>\n')


ACTIONS_HTML = (
    '<div class="kb-plan-actions" data-plan-actions hidden>'
    '<button type="button" class="kb-plan-button" data-plan-print>Print or save as PDF</button>'
    '<button type="button" class="kb-plan-button" data-plan-clear>Clear everything</button>'
    '<p class="kb-plan-status" role="status" data-plan-status></p></div>\n'
)


def visit_field(self, node):
    self.body.append(field_html(node["field_id"], node["label"], node["rows"]))
    raise nodes.SkipNode


def visit_actions(self, node):
    self.body.append(ACTIONS_HTML)
    raise nodes.SkipNode


def add_assets(app, pagename, templatename, context, doctree) -> None:
    """Only the page that holds a plan loads its script and styles."""
    if doctree is not None and next(doctree.findall(kb_plan_field), None) is not None:
        app.add_css_file(CSS_FILE)
        app.add_js_file(JS_FILE, loading_method="defer")


def setup(app) -> None:
    app.add_node(kb_plan_field, html=(visit_field, None))
    app.add_node(kb_plan_actions, html=(visit_actions, None))
    app.add_directive("plan-field", PlanFieldDirective)
    app.add_directive("plan-actions", PlanActionsDirective)
    # add_assets is connected by essay_kb.setup (HANDLER_ORDER): before layout copies the asset lists.
