"""Help lines, set once (``kb_help_lines`` in conf.py) and used everywhere a reader may need one.

Essays never type a phone number: the inline role ``{helpline}`crisis``` and the directive
``{helplines} crisis emergency`` render the line from the setting, so a practice in another country
changes the numbers in one place and every page follows. An unknown line name fails the build with
the file and line.
"""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

LINE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LINE_FIELDS = {"name", "call", "text", "text_word", "for"}

# US defaults. Each line: who answers (name, written to follow "call" or "reach"), the number to
# call, optionally a number to text (and the word to send), and what it is for.
DEFAULT_HELP_LINES = {
    "crisis": {
        "name": "the 988 Suicide & Crisis Lifeline",
        "call": "988", "text": "988",
        "for": "thoughts of suicide, self-harm, or any crisis, for yourself or someone else",
    },
    "domestic-violence": {
        "name": "the National Domestic Violence Hotline",
        "call": "800-799-7233", "text": "88788", "text_word": "START",
        "for": "abuse, threats or fear at home, including planning how to stay safe",
    },
    "sexual-assault": {
        "name": "RAINN's National Sexual Assault Hotline",
        "call": "800-656-4673",
        "for": "sexual assault or abuse, recent or long ago",
    },
    "substance-use": {
        "name": "SAMHSA's National Helpline",
        "call": "1-800-662-4357",
        "for": "drinking or drug use: free, confidential treatment referral",
    },
    "maternal": {
        "name": "the National Maternal Mental Health Hotline",
        "call": "1-833-852-6262", "text": "1-833-852-6262",
        "for": "pregnancy and the months after a baby arrives",
    },
    "emergency": {
        "name": "emergency services",
        "call": "911",
        "for": "immediate danger to life or safety",
    },
}


def check_help_lines(lines) -> list[str]:
    """Every problem with a kb_help_lines value, each naming the line and the fix."""
    if not isinstance(lines, dict) or not lines:
        return ["kb_help_lines must be a dict of line name -> {name, call, ...}, e.g. "
                "{'crisis': {'name': 'the 988 Suicide & Crisis Lifeline', 'call': '988'}}."]
    problems = []
    for key, line in lines.items():
        where = f"kb_help_lines[{key!r}]"
        if not isinstance(key, str) or not LINE_NAME.match(key):
            problems.append(f"{where}: a line name must be lowercase words joined by hyphens, e.g. 'crisis'.")
        if not isinstance(line, dict):
            problems.append(f"{where} must be a dict with at least 'name' and 'call'.")
            continue
        for field in sorted(set(line) - LINE_FIELDS):
            problems.append(f"{where}: unknown field {field!r}; a line may have {', '.join(sorted(LINE_FIELDS))}.")
        for field in sorted(set(line) & LINE_FIELDS):
            if not isinstance(line[field], str):
                problems.append(f"{where}: {field!r} must be text in quotes, e.g. '{field}': '988'; "
                                f"got {line[field]!r}.")
        for field in ("name", "call"):
            if not str(line.get(field) or "").strip():
                problems.append(f"{where}: needs a non-empty {field!r}.")
        if line.get("text_word") and not line.get("text"):
            problems.append(f"{where}: 'text_word' needs 'text', the number to send it to.")
    return problems


def dial_uri(scheme: str, number: str) -> str:
    return f"{scheme}:{re.sub(r'[^0-9+]', '', number)}"


def reach_parts(line: dict) -> list[tuple[str, str | None]]:
    """How to reach a line, as (text, link or None) pieces: 'call or text 988', 'call 911'."""
    call, text, word = line["call"], line.get("text"), line.get("text_word")
    if text and text == call and not word:
        return [("call or text ", None), (call, dial_uri("tel", call))]
    parts = [("call ", None), (call, dial_uri("tel", call))]
    if text:
        parts.append((f" or text {word} to " if word else " or text ", None))
        parts.append((text, dial_uri("sms", text)))
    return parts


def reach_text(line: dict) -> str:
    return "".join(text for text, _ in reach_parts(line))


def reach_nodes(line: dict) -> list[nodes.Node]:
    return [nodes.reference(text, text, refuri=uri, classes=["kb-helpline-number"]) if uri else nodes.Text(text)
            for text, uri in reach_parts(line)]


def reach_html(line: dict, capital: bool = False) -> str:
    """``reach_parts`` as HTML, for the templates (crisis notice, search's help card)."""
    html = "".join(f'<a class="kb-helpline-number" href="{escape(uri)}">{escape(text)}</a>' if uri else escape(text)
                   for text, uri in reach_parts(line))
    return html[:1].upper() + html[1:] if capital else html


def card_title(line: dict) -> str:
    return line["name"][:1].upper() + line["name"][1:]


def card_item_html(name: str, line: dict) -> str:
    """One line as the {helplines} card shows it, in HTML: 'Name: Call 988. For ...'."""
    purpose = f" For {escape(line['for'])}." if line.get("for") else ""
    return Markup(f'<li data-help-line="{escape(name)}"><p><strong>{escape(card_title(line))}</strong>: '
                  f"{reach_html(line, capital=True)}.{purpose}</p></li>")  # every value in it is escaped


def unknown_line(env, name: str, location) -> None:
    known = ", ".join(env.config.kb_help_lines)
    logger.warning(
        f"unknown help line {name!r}. Known lines (kb_help_lines in conf.py): {known}. "
        "Fix the name, or add the line to kb_help_lines.",
        type="kb", subtype=KbWarning.HELPLINE, location=location,
    )


class HelplineRole(SphinxRole):
    """``{helpline}`crisis``` -> 'the 988 Suicide & Crisis Lifeline (call or text 988)'."""

    def run(self):
        name = self.text.strip()
        line = self.config.kb_help_lines.get(name)
        if line is None:
            unknown_line(self.env, name, self.get_location())
            return [nodes.inline(self.rawtext, self.rawtext)], []
        node = nodes.inline("", classes=["kb-helpline"])
        node["kb_helpline"] = name
        node += nodes.Text(f"{line['name']} (")
        node += reach_nodes(line)
        node += nodes.Text(")")
        return [node], []


class HelplinesDirective(SphinxDirective):
    """``{helplines} crisis emergency``: a short list of lines, each with what it is for."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"class": directives.class_option}

    def run(self):
        names = self.arguments[0].split()
        items = nodes.bullet_list(classes=["kb-helplines"])
        for name in names:
            line = self.config.kb_help_lines.get(name)
            if line is None:
                unknown_line(self.env, name, self.get_location())
                continue
            para = nodes.paragraph()
            title = card_title(line)
            para += nodes.strong(title, title)
            para += nodes.Text(": ")
            reach = reach_nodes(line)
            first = reach[0]
            if isinstance(first, nodes.Text):
                reach[0] = nodes.Text(first.astext()[:1].upper() + first.astext()[1:])
            para += reach
            para += nodes.Text(f". For {line['for']}." if line.get("for") else ".")
            item = nodes.list_item("", para)
            item["kb_helpline"] = name
            items += item
        container = nodes.container(classes=["kb-helplines-card", *self.options.get("class", [])])
        container += items
        self.set_source_info(container)
        return [container]


def setup(app) -> None:
    app.add_config_value("kb_help_lines", DEFAULT_HELP_LINES, "env", types=[dict])
    app.add_role("helpline", HelplineRole())
    app.add_directive("helplines", HelplinesDirective)
