"""Every kind of warning the extension gives, in one enum (as MyST's ``warnings_.py`` does).

Each warning ends in ``[kb.<subtype>]``, so an author who meets one can look up here what it is
about. Every ``logger.warning`` in essay_kb passes ``type="kb", subtype=KbWarning.<NAME>``
(``tests/test_warnings.py`` checks). A build fails on any of them: warnings are errors.
"""

from __future__ import annotations

from enum import StrEnum

TYPE = "kb"


class KbWarning(StrEnum):
    """The ``kb.*`` warning subtypes, each with what it means."""

    def __new__(cls, subtype: str, meaning: str):
        member = str.__new__(cls, subtype)
        member._value_ = subtype
        member.meaning = meaning
        return member

    ESSAY = "essay", (
        "An essay's front matter or shape: a missing or invalid field, an unknown theme or reviewer, "
        "not exactly one '# Title', or two essays with the same title.")
    SECTION_ID = "section_id", (
        "A '##' or '###' heading without its {#id} line, an id that is not lowercase words joined by "
        "hyphens, or an id used twice on the site.")
    THEME = "theme", "A theme in the themes file that no essay uses."
    LINK = "link", "A link to an essay or a section that does not exist."
    REDIRECT = "redirect", "A line of redirects.yaml that is malformed, points nowhere, or would never be used."
    LEDGER = "ledger", "An address in links-ledger.txt that no longer resolves and that no redirect covers."
    PRIVACY = "privacy", (
        "A page that would load a file from another host, send the reader or their input there without "
        "their choosing, or holds a javascript: or data: address.")
    MARKUP = "markup", (
        "Raw HTML in an essay outside the small allow-list (no script, style, meta, forms, frames, "
        "images, event or style attributes), or HTML in a heading.")
    ENCODING = "encoding", "A source file that is not saved as UTF-8: the byte and its line are named."
    FILE_NAME = "file_name", "A page's file name that is not a slug (its name is its address); the slug is suggested."
    SETTINGS = "settings", (
        "A mistake in conf.py's settings or in the themes file: all are listed, then the build stops.")
    RISK_PHRASES = "risk_phrases", (
        "A mistake in the risk vocabulary (essay_kb/data/risk-phrases.yaml): a malformed phrase, an "
        "unknown category or help line.")
    HELP_PAGE = "help_page", "A page named in kb_help_pages (conf.py) that does not exist."
    HELPLINE = "helpline", "An essay names a help line that kb_help_lines in conf.py does not define."
    LEXICON = "lexicon", (
        "A line of the lay lexicon (docs/lexicon.yaml) that is malformed, or a word on its essays' side "
        "that no page uses, so search can find nothing with it.")
    PLACEHOLDER = "placeholder", (
        "A published essay still holds a sentence from the file make new started it with; replace it, "
        "or mark the essay 'draft: true' while it is being written.")
    SITE_CODE = "site_code", (
        "A page holds an inline script or stylesheet the site does not ship (only the templates' own "
        "are trusted by the page's security policy), or something in its text (an unclosed '<!--' "
        "comment or tag) hides the site's own scripts.")
    TEXT = "text", (
        "An invisible character in a page or a setting: a raw control character or a text-direction "
        "override (it can hide or reverse what a reader sees).")
    INCLUDE = "include", (
        "An include ({include}, .. include::, {literalinclude}, {raw} or {csv-table} with :file:) of a "
        "file outside docs/, not an ordinary file, too large or not UTF-8, or one with :url:.")
    ATTACHMENT = "attachment", (
        "A download, a link to a local file or a picture outside docs/ or of a type the site does not "
        "publish (only .gif, .jpeg, .jpg, .pdf, .png, .svg, .txt, .webp), not what its name says, or an "
        "SVG that could run a script or load from elsewhere; and any such file found in the output folder.")
    SOURCE_TREE = "source_tree", (
        "A link (symlink) in docs/ that leads outside it, to a folder or back to itself, a file that is "
        "not an ordinary file, a page too large to read, or a folder the build must write (docs/themes/) "
        "that it cannot: the build stops before reading.")
    PAGE = "page", (
        "A front-matter field of a page that is not an essay (a help page, an about page) with a value "
        "it cannot take, such as 'discreet' that is not true or false; or a help page whose front "
        "matter lacks a field its table requires ('summary', 'reviewed') or holds one it does not know.")
