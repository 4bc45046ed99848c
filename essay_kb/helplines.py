"""Help lines, set once (``kb_help_lines`` in conf.py) and used everywhere a reader may need one.

Essays never type a phone number: the inline role ``{helpline}`crisis``` and the directive
``{helplines} crisis emergency`` render the line from the setting, so a practice in another country
changes the numbers in one place and every page follows. An unknown line name fails the build with
the file and line.

A line says how to reach it (call, text with the word to send, chat, videophone), when, in which
languages, at what cost and what it is for: promises such as "call or text", "free" or "at any
hour" live here, never in an essay. The lines of the practice's own country are ``kb_help_lines``;
``kb_help_countries`` adds other countries' lines, offered under "Outside the United States?" on
the help pages and in the crisis notice (a plain list: no location lookup, nothing stored), and
``kb_help_elsewhere`` points everyone else to a directory of lines.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

LINE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A number as people write it: digits in groups, an optional leading +; nothing else.
NUMBER = re.compile(r"^\+?[0-9]+(?:[ .\-][0-9]+)*$")
TEXT_WORD = re.compile(r"^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$")  # typed into a text message: plain words
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
NUMBER_FIELDS = ("call", "text", "videophone")
LINE_FIELDS = {
    "name": "who answers, written to follow 'reach' (e.g. 'the 988 Suicide & Crisis Lifeline')",
    "call": "the number to call",
    "text": "the number to text",
    "text_word": "the word to send by text, where the line asks for one (e.g. 'START')",
    "text_where": "where texting works, when not everywhere (e.g. 'where available')",
    "chat": "the https:// address of the line's online chat",
    "videophone": "the number to call by videophone (sign language)",
    "hours": "when it answers (e.g. 'Any hour, every day')",
    "languages": "the languages it answers in",
    "cost": "what it costs (e.g. 'Free and confidential')",
    "cannot_speak": "what to do if you cannot speak, beyond texting the line",
    "for": "what it is for",
}

# US defaults. Each line: who answers, how to reach it, and what it is for.
DEFAULT_HELP_LINES = {
    "crisis": {
        "name": "the 988 Suicide & Crisis Lifeline",
        "call": "988", "text": "988", "chat": "https://988lifeline.org/chat/", "videophone": "988",
        "hours": "Any hour, every day", "cost": "Free and confidential",
        "languages": "English and Spanish, with interpreters for many more languages by phone",
        "for": "thoughts of suicide, self-harm, or any crisis, for yourself or someone else",
    },
    "domestic-violence": {
        "name": "the National Domestic Violence Hotline",
        "call": "800-799-7233", "text": "88788", "text_word": "START", "chat": "https://www.thehotline.org/",
        "hours": "Any hour, every day", "cost": "Free and confidential",
        "languages": "English and Spanish, with interpreters for many more languages",
        "for": "abuse, threats or fear at home, including planning how to stay safe",
    },
    "sexual-assault": {
        "name": "RAINN's National Sexual Assault Hotline",
        "call": "800-656-4673", "chat": "https://hotline.rainn.org/online",
        "hours": "Any hour, every day", "cost": "Free and confidential",
        "for": "sexual assault or abuse, recent or long ago",
    },
    "substance-use": {
        "name": "SAMHSA's National Helpline",
        "call": "1-800-662-4357",
        "hours": "Any hour, every day", "cost": "Free and confidential", "languages": "English and Spanish",
        "for": "drinking or drug use: treatment and support near you",
    },
    "maternal": {
        "name": "the National Maternal Mental Health Hotline",
        "call": "1-833-852-6262", "text": "1-833-852-6262",
        "hours": "Any hour, every day", "cost": "Free and confidential", "languages": "English and Spanish",
        "for": "pregnancy and the months after a baby arrives",
    },
    "poison": {
        "name": "Poison Help",
        "call": "1-800-222-1222",
        "hours": "Any hour, every day", "cost": "Free and confidential",
        "for": "someone who may have swallowed or touched something harmful, such as medicine or nicotine liquid",
    },
    "emergency": {
        "name": "emergency services",
        "call": "911", "text": "911", "text_where": "where your area offers it",
        "for": "immediate danger to life or safety",
    },
    # 1-800-QUIT-NOW: the National Cancer Institute's number, which puts the caller through to their
    # own state's quitline. Hours differ by state. (Its national texting portal is left out: the
    # quitlines' association said in December 2025 that NCI means to stop it.)
    "quitline": {
        "name": "the national quitline",
        "call": "1-800-784-8669",
        "cost": "Free and confidential",
        "for": "quitting smoking, vaping or other tobacco, with a coach from your state who helps you make a plan",
    },
    # Childhelp: support and advice about child abuse; not itself a line that takes reports.
    "child-abuse": {
        "name": "the Childhelp National Child Abuse Hotline",
        "call": "1-800-422-4453", "text": "1-800-422-4453",
        "hours": "Any hour, every day", "cost": "Free",
        "languages": "English, with interpreters for many more languages",
        "for": "a child or teen who is being hurt or neglected, or an adult who is worried about one",
    },
    "child-exploitation": {
        "name": "the CyberTipline of the National Center for Missing & Exploited Children",
        "call": "1-800-843-5678",
        "for": ("reporting the sexual exploitation of a child or teen, including threats to share their sexual "
                "pictures; its Take It Down service helps remove such pictures of under-18s from many sites"),
    },
    # LGBTQ+ peer and crisis lines (review 6-C). Only the call number is given: hours, cost and text or
    # chat routes were not verified. 988's own LGBTQ+ option ("press 3") ended in July 2025: not offered.
    "lgbtq-youth": {
        "name": "the Trevor Project's lifeline",
        "call": "1-866-488-7386",
        "for": "LGBTQ+ young people under 25 who are in crisis or thinking about suicide",
    },
    "trans": {
        "name": "Trans Lifeline",
        "call": "877-565-8860",
        "for": "peer support from a line run by and for trans people",
    },
}

# Other countries' lines, for kb_help_countries: only numbers checked against each service's own
# published details. Each: the country's name as a reader would pick it, and its lines.
COUNTRY_LINES = {
    "US": {"name": "United States", "lines": DEFAULT_HELP_LINES},
    "CA": {"name": "Canada", "lines": {
        "crisis": {"name": "9-8-8: Suicide Crisis Helpline", "call": "988", "text": "988",
                   "hours": "Any hour, every day", "languages": "English and French",
                   "for": "thoughts of suicide, or any crisis"},
        "emergency": {"name": "emergency services", "call": "911", "for": "immediate danger to life or safety"},
    }},
    "GB": {"name": "United Kingdom", "lines": {
        "crisis": {"name": "Samaritans", "call": "116 123", "hours": "Any hour, every day", "cost": "Free",
                   "for": "anything that is troubling you, including thoughts of suicide"},
        "crisis-text": {"name": "Shout", "text": "85258", "text_word": "SHOUT", "hours": "Any hour, every day",
                        "cost": "Free", "for": "any crisis, by text, when talking out loud is hard"},
        "domestic-violence": {"name": "the National Domestic Abuse Helpline", "call": "0808 2000 247",
                              "hours": "Any hour, every day", "cost": "Free",
                              "for": "abuse at home, for you or someone you are worried about"},
        "emergency": {"name": "emergency services", "call": "999",
                      "cannot_speak": "If you call 999 from a mobile and cannot speak, stay on the line "
                                      "and press 55 when asked",
                      "for": "immediate danger to life or safety"},
    }},
    "IE": {"name": "Ireland", "lines": {
        "crisis": {"name": "Samaritans", "call": "116 123", "hours": "Any hour, every day", "cost": "Free",
                   "for": "anything that is troubling you, including thoughts of suicide"},
        "crisis-text": {"name": "50808", "text": "50808", "hours": "Any hour, every day", "cost": "Free",
                        "for": "any crisis, by text"},
        "domestic-violence": {"name": "Women's Aid", "call": "1800 341 900", "hours": "Any hour, every day",
                              "cost": "Free", "for": "abuse by a partner or ex-partner"},
        "emergency": {"name": "emergency services", "call": "112", "for": "immediate danger to life or safety "
                      "(999 works too)"},
    }},
    "AU": {"name": "Australia", "lines": {
        "crisis": {"name": "Lifeline", "call": "13 11 14", "text": "0477 13 11 14",
                   "chat": "https://www.lifeline.org.au/crisis-chat/", "hours": "Any hour, every day",
                   "for": "thoughts of suicide, or any crisis"},
        "domestic-violence": {"name": "1800RESPECT", "call": "1800 737 732", "hours": "Any hour, every day",
                              "for": "domestic, family or sexual violence"},
        "emergency": {"name": "emergency services", "call": "000", "for": "immediate danger to life or safety"},
    }},
    "NZ": {"name": "New Zealand", "lines": {
        "crisis": {"name": "1737, Need to talk?", "call": "1737", "text": "1737", "hours": "Any hour, every day",
                   "cost": "Free", "for": "feeling down, anxious, overwhelmed, or thinking about suicide"},
        "domestic-violence": {"name": "Women's Refuge", "call": "0800 733 843", "hours": "Any hour, every day",
                              "cost": "Free", "for": "family violence, or fear of a partner"},
        "emergency": {"name": "emergency services", "call": "111", "for": "immediate danger to life or safety"},
    }},
}

# For every other country: a directory of lines, a plain link (the reader's own choice to leave).
DEFAULT_ELSEWHERE = {"name": "Find A Helpline", "url": "https://findahelpline.com/"}


# -- Checking the settings -------------------------------------------------------------------------

def line_problems(key, line, where: str) -> list[tuple[str, object]]:
    """Every problem with one line, as (message, the offending value, to find its line in conf.py)."""
    problems = []
    if not isinstance(key, str) or not LINE_NAME.match(key):
        problems.append((f"{where}: a line name must be lowercase words joined by hyphens, e.g. 'crisis'.", key))
    if not isinstance(line, dict):
        return problems + [(f"{where} must be a dict with at least 'name' and a way to reach it ('call', 'text', "
                            "'chat' or 'videophone').", None)]
    for field in sorted(set(line) - set(LINE_FIELDS), key=str):
        problems.append((f"{where}: unknown field {field!r}; a line may have {', '.join(LINE_FIELDS)}.", field))
    for field in [f for f in LINE_FIELDS if f in line]:
        value = line[field]
        if not isinstance(value, str):
            problems.append((f"{where}: {field!r} must be text in quotes, e.g. '{field}': '988'; got {value!r}.", value))
        elif field in NUMBER_FIELDS and not NUMBER.match(value.strip()):
            problems.append((f"{where}: {field!r} must be a phone number, digits with an optional leading + "
                             f"and spaces, dots or hyphens between groups (e.g. '800-799-7233'); got {value!r}.",
                             value))
        elif field == "text_word" and not TEXT_WORD.match(value):
            problems.append((f"{where}: 'text_word' must be plain letters and digits (e.g. 'START'); got {value!r}.",
                             value))
        elif field == "chat" and not secure_address(value):
            problems.append((f"{where}: 'chat' must be an https:// address (e.g. 'https://988lifeline.org/chat/'); "
                             f"got {value!r}.", value))
    if not str(line.get("name") or "").strip():
        problems.append((f"{where}: needs a non-empty 'name'.", None))
    if not any(line.get(field) for field in ("call", "text", "chat", "videophone")):
        problems.append((f"{where}: needs a way to reach it: 'call', 'text', 'chat' or 'videophone'.", None))
    for field in ("text_word", "text_where"):
        if line.get(field) and not line.get("text"):
            problems.append((f"{where}: {field!r} needs 'text', the number to send it to.", line[field]))
    return problems


def secure_address(value: str) -> bool:
    parts = urlsplit(value)
    return (parts.scheme == "https" and bool(parts.hostname) and not parts.username and not parts.password
            and not re.search(r"[\s<>\"']", value))


def lines_problems(lines, setting: str) -> list[tuple[str, object]]:
    if not isinstance(lines, dict) or not lines:
        return [(f"{setting} must be a dict of line name -> {{name, call, ...}}, e.g. "
                 "{'crisis': {'name': 'the 988 Suicide & Crisis Lifeline', 'call': '988'}}.", None)]
    return [p for key, line in lines.items() for p in line_problems(key, line, f"{setting}[{key!r}]")]


def countries_problems(countries) -> list[tuple[str, object]]:
    """kb_help_countries: a list of country codes known to COUNTRY_LINES, or of dicts
    {'code': 'FR', 'name': 'France', 'lines': {...}} for a country of the practice's own."""
    if not isinstance(countries, (list, tuple)):
        return [(f"kb_help_countries must be a list of country codes, e.g. ['CA', 'GB']; got {countries!r}.", None)]
    problems = []
    for entry in countries:
        if isinstance(entry, str):
            if entry not in COUNTRY_LINES:
                problems.append((f"kb_help_countries: unknown country {entry!r}. Known: {', '.join(COUNTRY_LINES)}; "
                                 "or give {'code': 'FR', 'name': 'France', 'lines': {...}}.", entry))
        elif isinstance(entry, dict):
            code, name = entry.get("code"), entry.get("name")
            if not isinstance(code, str) or not COUNTRY_CODE.match(code):
                problems.append((f"kb_help_countries: a country needs a two-letter 'code' in capitals, e.g. 'FR'; "
                                 f"got {code!r}.", code))
            if not isinstance(name, str) or not name.strip():
                problems.append((f"kb_help_countries[{code!r}]: needs a non-empty 'name', e.g. 'France'.", None))
            for field in sorted(set(entry) - {"code", "name", "lines"}):
                problems.append((f"kb_help_countries[{code!r}]: unknown field {field!r}; a country has code, name "
                                 "and lines.", field))
            problems += lines_problems(entry.get("lines"), f"kb_help_countries[{code!r}]['lines']")
        else:
            problems.append((f"kb_help_countries: each country is a code such as 'CA' or a dict; got {entry!r}.", entry))
    return problems


def elsewhere_problems(elsewhere) -> list[tuple[str, object]]:
    if elsewhere in (None, {}):
        return []
    if (not isinstance(elsewhere, dict) or set(elsewhere) != {"name", "url"}
            or not isinstance(elsewhere["name"], str) or not elsewhere["name"].strip()
            or not isinstance(elsewhere["url"], str) or not secure_address(elsewhere["url"])):
        return [(f"kb_help_elsewhere must be {{'name': ..., 'url': 'https://...'}} (a directory of help lines for "
                 f"every other country), or None; got {elsewhere!r}.", None)]
    return []


def check_help_lines(lines) -> list[str]:
    """Every problem with a kb_help_lines value, each naming the line and the fix."""
    return [message for message, _ in lines_problems(lines, "kb_help_lines")]


def config_problems(config) -> list[tuple[str, object]]:
    """Every help-line setting's problems, as (message, offending value): settings.check_config
    reports them with the others, at the line of conf.py that holds the value."""
    return (lines_problems(config.kb_help_lines, "kb_help_lines") + countries_problems(config.kb_help_countries)
            + elsewhere_problems(config.kb_help_elsewhere))


def countries(config) -> list[dict]:
    """The countries offered to readers elsewhere, as {code, name, lines}, in the practice's order."""
    found = []
    for entry in config.kb_help_countries or ():
        if isinstance(entry, str):
            found.append({"code": entry, **COUNTRY_LINES[entry]})
        else:
            found.append(entry)
    return found


# -- Rendering -------------------------------------------------------------------------------------

def digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


def dial_uri(scheme: str, number: str, body: str | None = None) -> str:
    """tel: or sms: link. A text's word goes in the body (``?&body=``: the form both iPhones and
    Android phones fill in)."""
    return f"{scheme}:{digits(number)}" + (f"?&body={quote(body)}" if body else "")


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def reach_parts(line: dict) -> list[tuple[str, str | None]]:
    """How to reach a line by phone, as (text, link or None) pieces: 'call 988 or text 988',
    'call 800-799-7233 or text START to 88788'. Each number is its own link, a call's to tel: and a
    text's to sms:, so a reader who cannot talk texts with one tap."""
    call, text, word, where = line.get("call"), line.get("text"), line.get("text_word"), line.get("text_where")
    parts = [("call ", None), (call, dial_uri("tel", call))] if call else []
    if text:
        joiner = " or " if parts else ""
        parts.append((f"{joiner}text {word} to " if word else f"{joiner}text ", None))
        parts.append((text, dial_uri("sms", text, word)))
        if where:
            parts.append((f" {where}", None))
    if not parts and line.get("chat"):
        parts = [("chat online", line["chat"])]
    return parts


def reach_text(line: dict) -> str:
    return "".join(text for text, _ in reach_parts(line))


def card_parts(line: dict) -> list[tuple[str, str | None]]:
    """Everything a card says about a line after its name: how to reach it (each channel a link),
    then when, in which languages, at what cost, and what it is for."""
    parts = reach_parts(line)
    if parts:
        parts[0] = (sentence(parts[0][0]), parts[0][1])
    if line.get("chat") and parts[0][1] != line["chat"]:
        parts += [(", or ", None), ("chat online", line["chat"])]
    parts.append((".", None))
    if line.get("videophone"):  # dialled from a videophone, not the phone's dialler: no tel: link
        parts.append((f" By videophone, in American Sign Language: {line['videophone']}.", None))
    if line.get("cannot_speak"):
        parts.append((f" {sentence(line['cannot_speak'])}.", None))
    for field in ("hours", "cost", "languages"):
        if line.get(field):
            parts.append((f" {sentence(line[field])}.", None))
    if line.get("for"):
        parts.append((f" For {line['for']}.", None))
    return parts


def card_title(line: dict) -> str:
    return sentence(line["name"])


def link_html(text: str, uri: str | None) -> str:
    if not uri:
        return escape(text)
    if uri.startswith("https:"):
        return f'<a class="kb-helpline-chat" href="{escape(uri)}" rel="noopener noreferrer">{escape(text)}</a>'
    return f'<a class="kb-helpline-number" href="{escape(uri)}">{escape(text)}</a>'


def parts_html(parts) -> str:
    return "".join(link_html(text, uri) for text, uri in parts)


def link_nodes(parts) -> list[nodes.Node]:
    made = []
    for text, uri in parts:
        if not uri:
            made.append(nodes.Text(text))
        elif uri.startswith("https:"):
            made.append(nodes.reference(text, text, refuri=uri, classes=["kb-helpline-chat"]))
        else:
            made.append(nodes.reference(text, text, refuri=uri, classes=["kb-helpline-number"]))
    return made


def reach_nodes(line: dict) -> list[nodes.Node]:
    return link_nodes(reach_parts(line))


def reach_html(line: dict, capital: bool = False) -> str:
    """``reach_parts`` as HTML, for the templates (crisis notice, search's help card)."""
    html = parts_html(reach_parts(line))
    return html[:1].upper() + html[1:] if capital else html


def card_item_html(name: str, line: dict) -> str:
    """One line as the {helplines} card shows it, in HTML: 'Name: Call 988. ... For ...'."""
    return Markup(f'<li data-help-line="{escape(name)}"><p><strong>{escape(card_title(line))}</strong>: '
                  f"{parts_html(card_parts(line))}</p></li>")  # every value in it is escaped


def cannot_speak_parts(lines: dict) -> list[tuple[str, str | None]]:
    """'If you cannot speak: text 988, or text 911 where your area offers it.' from the lines that
    take texts (and any line's own advice), or [] when none does."""
    routes = []
    for line in lines.values():
        if line.get("text"):
            word = line.get("text_word")
            route = [(f"text {word} to " if word else "text ", None), (line["text"], dial_uri("sms", line["text"], word))]
            if line.get("text_where"):
                route.append((f" {line['text_where']}", None))
            routes.append(route)
    advice = [line["cannot_speak"] for line in lines.values() if line.get("cannot_speak")]
    if not routes and not advice:
        return []
    parts = [("If you cannot speak: ", None)] if routes else []
    for i, route in enumerate(routes):
        parts += ([(", or ", None)] if i else []) + route
    if routes:
        parts.append((".", None))
    for text in advice:
        parts.append(((" " if parts else "") + sentence(text) + ".", None))
    return parts


def abroad_html(config, say_where: bool = True) -> str:
    """'Outside the United States?': a plain list of the practice's chosen countries, each a native
    <details> holding its lines, and a pointer for everywhere else. Choosing a country opens it for
    as long as the page is open: nothing is stored, nothing goes into the address, nothing is
    fetched. Empty when the practice offers no other country."""
    chosen = countries(config)
    elsewhere = config.kb_help_elsewhere
    if not chosen and not elsewhere:
        return ""
    items = []
    for country in chosen:
        lines = "".join(card_item_html(name, line) for name, line in country["lines"].items())
        quiet = cannot_speak_parts(country["lines"])
        quiet_html = f'<p class="kb-abroad-quiet">{parts_html(quiet)}</p>' if quiet else ""
        items.append(f'<li><details class="kb-abroad-country" data-help-country="{escape(country["code"])}">'
                     f'<summary>{escape(country["name"])}</summary>'
                     f'<ul class="kb-helplines">{lines}</ul>{quiet_html}</details></li>')
    other = ""
    if elsewhere:
        other = (f'<p class="kb-abroad-elsewhere">Somewhere else? <a href="{escape(elsewhere["url"])}" '
                 f'rel="noopener noreferrer">{escape(elsewhere["name"])}</a> lists help lines in many countries. '
                 "It is another site, so it will see your visit.</p>")
    return (f'<details class="kb-abroad" data-help-abroad><summary>Outside {escape(config.kb_help_country)}?</summary>'
            '<div class="kb-abroad-body"><p>'
            + (f"This site is written for readers in {escape(config.kb_help_country)}. " if say_where else "")
            + "Choose where you are to see its help lines. Your choice is not saved.</p>"
            f'<ul class="kb-abroad-countries">{"".join(items)}</ul>{other}</div></details>')


def offer_abroad(app, doctree, docname: str) -> None:
    """On each help page, "Outside the United States?" right under its first help-line card."""
    if docname not in (app.config.kb_help_pages or {}) or app.builder.format != "html":
        return
    card = next(iter(doctree.findall(lambda n: isinstance(n, nodes.container) and "kb-helplines-card" in n["classes"])),
                None)
    html = abroad_html(app.config)
    if card is not None and html:
        card.parent.insert(card.parent.index(card) + 1, nodes.raw("", html, format="html"))


def unknown_line(env, name: str, location) -> None:
    known = ", ".join(env.config.kb_help_lines)
    logger.warning(
        f"unknown help line {name!r}. Known lines (kb_help_lines in conf.py): {known}. "
        "Fix the name, or add the line to kb_help_lines.",
        type="kb", subtype=KbWarning.HELPLINE, location=location,
    )


class HelplineRole(SphinxRole):
    """``{helpline}`crisis``` -> 'the 988 Suicide & Crisis Lifeline (call 988 or text 988)'."""

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
    """``{helplines} crisis emergency``: a short list of lines, each with how to reach it, when,
    and what it is for."""

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
            para += link_nodes(card_parts(line))
            item = nodes.list_item("", para)
            item["kb_helpline"] = name
            items += item
        container = nodes.container(classes=["kb-helplines-card", *self.options.get("class", [])])
        container += items
        self.set_source_info(container)
        return [container]


def setup(app) -> None:
    app.add_config_value("kb_help_lines", DEFAULT_HELP_LINES, "env", types=[dict])
    # The practice's own country, as it reads after "Outside" and "readers in".
    app.add_config_value("kb_help_country", "the United States", "env", types=[str])
    app.add_config_value("kb_help_countries", ["CA", "GB", "IE", "AU", "NZ"], "env", types=[list, tuple])
    app.add_config_value("kb_help_elsewhere", DEFAULT_ELSEWHERE, "env", types=[dict, type(None)])
    app.connect("doctree-resolved", offer_abroad)
    app.add_role("helpline", HelplineRole())
    app.add_directive("helplines", HelplinesDirective)
