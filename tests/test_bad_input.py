"""Bad input fails the build with a message naming the file, the line and the fix.

REFUSALS is the one table of every refused input: what the author wrote, the change that writes it
into a copy of tests/roots/test-basic, and the build's messages (as "file:line: message"; the
beginning of each message is enough). One test per row builds it; the table of refused inputs in
the author's guide (guide/authoring.md, "Every refused input") is made from the same rows:
`.venv/bin/python tests/test_bad_input.py` rewrites it, and a test fails when it is out of date.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import REPO, edit, sphinx_build  # noqa: E402

GUIDE = REPO / "guide" / "authoring.md"  # the author's guide, "Every refused input"
TABLE_START = "<!-- refused-inputs: made from tests/test_bad_input.py; do not edit by hand -->"
TABLE_END = "<!-- /refused-inputs -->"


def replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda root: edit(root / name, old, new)


def write(name: str, content: str | bytes) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    return change


def rename(name: str, new_name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).rename(root / new_name)


def append(name: str, content: bytes) -> Callable[[Path], None]:
    return lambda root: (root / name).write_bytes((root / name).read_bytes() + content)


def body(html: str) -> Callable[[Path], None]:
    """Raw HTML (or Markdown) as its own paragraph, at line 18 of essays/two.md."""
    return replace("essays/two.md", "Some text. See [the other](one.md).\n",
                   f"Some text. See [the other](one.md).\n\n{html}\n")


def both(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    return lambda root: [change(root) for change in changes]


def outside(content: str = "a private note\n") -> Callable[[Path], None]:
    """A file beside the test root, outside its docs: what ../../private.txt from essays/ names."""
    return lambda root: (root.parent / "private.txt").write_text(content, encoding="utf-8")


def link(name: str, target: str) -> Callable[[Path], None]:
    return lambda root: (root / name).symlink_to(target)


def remove_folder(name: str) -> Callable[[Path], None]:
    import shutil
    return lambda root: shutil.rmtree(root / name)


ALIAS_BOMB = "[&a [x, x, x, x, x, x, x, x, x], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]]"
SCRIPT_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>\n'


@dataclass(frozen=True)
class Refusal:
    probe: str
    wrote: str  # for the author's guide's table, as Markdown
    change: Callable[[Path], None]
    says: tuple[str, ...]


R = Refusal
REFUSALS = [
    # -- front matter ------------------------------------------------------------------------------
    R("no-front-matter", "an essay file without front matter",
      write("essays/notes.md", "# Notes to self\n\nNot an essay yet.\n"),
      ("essays/notes.md:1: this file is in the essays folder but has no front matter, so it is not an essay. Start it with:",)),
    R("unclosed-front-matter", "front matter without its closing `---`",
      replace("essays/two.md", "tags: [ttwo]\n---\n", "tags: [ttwo]\n\n"),
      ("essays/two.md:1: the front matter that starts on this line with '---' is never closed. Add a line with only '---' after its last field",)),
    R("invalid-yaml", "`themes: [alpha` (not valid YAML)", replace("essays/two.md", "themes: [alpha]", "themes: [alpha"),
      ("essays/two.md:4: the front matter is not valid YAML (expected ',' or ']', but got ':'). Each line should read 'name: value'",)),
    R("duplicate-field", "a front-matter field given twice", replace("essays/two.md", "tags: [ttwo]", "tags: [ttwo]\ntags: [other]"),
      ("essays/two.md:7: the field 'tags' is given twice (lines 6 and 7); the second would silently replace the first. Keep one of them.",)),
    R("tags-as-text", "`tags: a, b`", replace("essays/two.md", "tags: [ttwo]", "tags: a, b"),
      ("essays/two.md:6: 'tags: a, b' is one piece of text, not a list. Write the list in square brackets: 'tags: [a, b]'.",)),
    R("themes-as-text", "`themes: alpha, beta`", replace("essays/two.md", "themes: [alpha]", "themes: alpha, beta"),
      ("essays/two.md:3: 'themes: alpha, beta' is one piece of text, not a list. Write the list in square brackets: 'themes: [alpha, beta]'.",)),
    R("unknown-field", "`sumary:` (a field the schema does not have)", replace("essays/two.md", "tags: [ttwo]", "tags: [ttwo]\nsumary: x"),
      ("essays/two.md:7: unknown front matter field 'sumary'. Essays may use:",)),
    R("missing-summary", "no `summary:`", replace("essays/two.md", "summary: The two essay, in one sentence.\n", ""),
      ("essays/two.md:1: the essay has no 'summary'. Shown on theme pages",)),
    R("empty-summary", '`summary: ""`', replace("essays/two.md", "summary: The two essay, in one sentence.", 'summary: ""'),
      ("essays/two.md:2: the essay has no 'summary'.",)),
    R("no-themes", "no `themes:`", replace("essays/two.md", "themes: [alpha]\n", ""),
      ("essays/two.md:1: the essay has no 'themes'.", "Known theme keys: alpha, beta")),
    R("unknown-theme", "`themes: [alpah]`", replace("essays/two.md", "themes: [alpha]", "themes: [alpah]"),
      ("essays/two.md:3: unknown theme 'alpah'. Known theme keys: alpha, beta.",)),
    R("published-not-a-date", "`published: last spring`", replace("essays/two.md", "published: 2026-03-03", "published: last spring"),
      ("essays/two.md:4: 'published: last spring' is not a date. Write it as YYYY-MM-DD",)),
    R("reviewed-not-a-date", "`reviewed: 2026-02-30`", replace("essays/two.md", "reviewed: 2026-04-01", "reviewed: 2026-02-30"),
      ("essays/two.md:5: 'reviewed: 2026-02-30' is not a date.",)),
    R("no-review-date", "no `reviewed:`", replace("essays/two.md", "reviewed: 2026-04-01\n", ""),
      ("essays/two.md:1: the essay has no 'reviewed'. The day of its last clinical review",)),
    R("reviewed-before-published", "`reviewed:` earlier than `published:`", replace("essays/two.md", "reviewed: 2026-04-01", "reviewed: 2026-01-01"),
      ("essays/two.md:5: 'reviewed' is earlier than 'published'; check both dates.",)),
    R("unknown-reviewer", "`reviewer: dr-jones` (not a key of kb_reviewers)", replace("essays/two.md", "reviewed: 2026-04-01", "reviewed: 2026-04-01\nreviewer: dr-jones"),
      ("essays/two.md:6: unknown reviewer 'dr-jones'. Known reviewers (the kb_reviewers setting in conf.py): lcsw, psychologist.",)),
    R("unknown-help-line", "``{helpline}`crisiss` `` (a line kb_help_lines does not define)", body("Call {helpline}`crisiss` now."),
      ("essays/two.md:18: unknown help line 'crisiss'. Known lines (kb_help_lines in conf.py):",)),
    # -- files -------------------------------------------------------------------------------------
    R("file-name-with-space", "a file named `My Essay.md`", rename("essays/two.md", "essays/My Essay.md"),
      ("essays/My Essay.md:1: the file name 'essays/My Essay.md' is not a slug.", "Rename it to 'essays/my-essay.md'.")),
    R("file-name-with-capitals", "a file named `MyEssay.md`", rename("essays/two.md", "essays/MyEssay.md"),
      ("essays/MyEssay.md:1: the file name 'essays/MyEssay.md' is not a slug.", "Rename it to 'essays/myessay.md'.")),
    R("file-name-with-accent", "a file named `café.md`", rename("essays/two.md", "essays/café.md"),
      ("essays/café.md:1: the file name 'essays/café.md' is not a slug.", "Rename it to 'essays/cafe.md'.")),
    R("latin-1-byte", "an essay saved as Latin-1 (`caf\\xe9`)", append("essays/two.md", b"\nUn caf\xe9.\n"),
      ("essays/two.md:28: this file is not saved as UTF-8: the byte 0xe9 on this line (perhaps 'é') belongs to another encoding",)),
    # -- titles and section ids --------------------------------------------------------------------
    R("two-essays-one-title", "two essays titled `# Essay one`", replace("essays/five.md", "# Essay five", "# Essay one"),
      ("essays/one.md:1: two essays have the title 'Essay one' (the other is essays/five.md).",)),
    R("second-title", "a second `#` title", replace("essays/two.md", "{#two-second}", "# Another title\n\n{#two-second}"),
      ("essays/two.md:23: a second '# ' title ('Another title'); an essay has exactly one, its title at the top (line 9).",)),
    R("html-in-title", "`# Essay <b>two</b>`", replace("essays/two.md", "# Essay two", "# Essay <b>two</b>"),
      ("essays/two.md:9: the heading 'Essay <b>two</b>' contains HTML (<b>). Headings are plain text",)),
    R("heading-without-id", "a `###` heading without `{#id}` above it", replace("essays/three.md", "{#three-sub}\n", ""),
      ("essays/three.md:18: the heading 'A smaller part' has no explicit id, so its link would change whenever the heading is reworded. "
       "Put an id on the line directly above it, e.g. {#a-smaller-part}",)),
    R("id-with-spaces", "`{#two first}`", replace("essays/two.md", "{#two-first}", "{#two first}"),
      ("essays/two.md:13: '{#two first}' is not an id: an id cannot contain spaces. Join the words with hyphens: {#two-first}",)),
    R("id-with-capitals", "`{#Two-First}`", replace("essays/two.md", "{#two-first}", "{#Two-First}"),
      ("essays/two.md:13: the id 'Two-First' must be lowercase words joined by hyphens", "Write {#two-first}")),
    R("id-twice-in-one-essay", "the same `{#id}` twice in one essay", replace("essays/two.md", "{#two-second}", "{#two-first}"),
      ("essays/two.md:23: the id 'two-first' is used twice in this file (first at line 13); each section needs its own id.",)),
    R("id-in-two-essays", "the same `{#id}` in two essays", replace("essays/four.md", "{#four-first}", "{#one-first}"),
      ("essays/one.md:14: the section id 'one-first' is already used in essays/four.md:14.",)),
    # -- links -------------------------------------------------------------------------------------
    R("link-to-missing-essay", "`[the other](won.md)`", replace("essays/two.md", "[the other](one.md)", "[the other](won.md)"),
      ("essays/two.md:16: 'myst' cross-reference target not found: 'won.md'",)),
    R("link-to-missing-section", "`[the other](one.md#one-frist)`",
      replace("essays/two.md", "[the other](one.md)", "[the other](one.md#one-frist)"),
      ("essays/two.md:16: this links to section '#one-frist' of 'essays/one', which has no such section. Did you mean #one-first?",)),
    R("javascript-link", "`[x](javascript:alert(1))`", body("A [x](javascript:alert(1)) link."),
      ("essays/two.md:18: the link to 'javascript:alert(1' is not allowed: javascript: addresses run code",)),
    R("javascript-autolink", "`<javascript:alert(1)>`", body("A <javascript:alert(1)> link."),
      ("essays/two.md:18: the link to 'javascript:alert(1)' is not allowed",)),
    R("data-link", "`[x](data:text/html,...)`", body("A [x](data:text/html,hello) link."),
      ("essays/two.md:18: the link to 'data:text/html,hello' is not allowed: data: addresses",)),
    R("data-picture", "`![x](data:image/png;base64,...)`", body("![x](data:image/png;base64,AAAA)"),
      ("essays/two.md:18: this page holds a data: address (<img> src): 'data:image/png;base64,AAAA'.",)),
    R("picture-from-another-host", "`![x](https://cdn.example.com/pixel.png)`", body("![x](https://cdn.example.com/pixel.png)"),
      ("essays/two.md:18: this page would load https://cdn.example.com/pixel.png (<img> src) from cdn.example.com, "
       "which would tell cdn.example.com who is reading it",)),
    # -- raw HTML ----------------------------------------------------------------------------------
    R("script", "`<script>...</script>`", body("<script>alert(1)</script>"),
      ("essays/two.md:18: raw HTML <script> is not allowed in essays: essays cannot run scripts.",)),
    R("raw-html-directive", "a ```` ```{raw} html ```` block with a script",
      body("```{raw} html\n<p>x</p>\n<script>alert(1)</script>\n```"),
      ("essays/two.md:19: raw HTML <p> is not allowed in essays.", "essays/two.md:20: raw HTML <script> is not allowed in essays")),
    R("event-attribute", '`<abbr onmouseover="...">`', body('An <abbr title="x" onmouseover="go()">abbr</abbr>.'),
      ("essays/two.md:18: the attribute onmouseover= on <abbr> runs a script; essays cannot run scripts.",)),
    R("style-attribute", '`<mark style="background: url(https://...)">`',
      body('A <mark style="background: url(https://cdn.example.com/b.png)">mark</mark>.'),
      ("essays/two.md:18: the attribute style= on <mark> is not allowed",
       "essays/two.md:18: this page would load https://cdn.example.com/b.png (style attribute) from cdn.example.com")),
    R("style-element", "`<style>@import 'https://...'</style>`", body("<style>@import 'https://cdn.example.com/s.css';</style>"),
      ("essays/two.md:18: raw HTML <style> is not allowed in essays",
       "this page would load https://cdn.example.com/s.css (<style> element) from cdn.example.com")),
    R("meta-refresh", '`<meta http-equiv="refresh" content="3;url=https://...">`',
      body('<meta http-equiv="refresh" content="3;url=https://elsewhere.example/">'),
      ("essays/two.md:18: raw HTML <meta> is not allowed in essays: it can send the reader to another site",
       "essays/two.md:18: this page would send the reader, or what they type, to https://elsewhere.example/ (<meta> refresh)")),
    R("base", '`<base href="https://...">`', body('<base href="https://elsewhere.example/">'),
      ("essays/two.md:18: raw HTML <base> is not allowed in essays",
       "essays/two.md:18: this page would send the reader, or what they type, to https://elsewhere.example/ (<base> href)")),
    R("iframe", '`<iframe src="https://...">`', body('<iframe src="https://video.example.com/embed/1"></iframe>'),
      ("essays/two.md:18: raw HTML <iframe> is not allowed in essays: it would show another site inside the page.",
       "essays/two.md:18: this page would load https://video.example.com/embed/1 (<iframe> src)")),
    R("svg-image", '`<svg><image href="https://..."/></svg>`', body('<svg><image href="https://cdn.example.com/i.png"/></svg>'),
      ("essays/two.md:18: raw HTML <svg> is not allowed in essays",
       "essays/two.md:18: this page would load https://cdn.example.com/i.png (<image> href)")),
    R("form", '`<form action="https://...">`', body('<form action="https://collect.example.com/"><input name="q"></form>'),
      ("essays/two.md:18: raw HTML <form> is not allowed in essays: a form would send what the reader types somewhere.",
       "essays/two.md:18: this page would send the reader, or what they type, to https://collect.example.com/ (<form> action)")),
    R("picture-srcset", '`<img srcset="https://... 2x">`', body('<img alt="" srcset="https://cdn.example.com/a.png 2x">'),
      ("essays/two.md:18: raw HTML <img> is not allowed in essays",
       "essays/two.md:18: this page would load https://cdn.example.com/a.png (<img> srcset)")),
    R("video-poster", '`<video poster="https://...">`', body('<video poster="https://cdn.example.com/p.jpg"></video>'),
      ("essays/two.md:18: raw HTML <video> is not allowed in essays",
       "essays/two.md:18: this page would load https://cdn.example.com/p.jpg (<video> poster)")),
    R("link-ping", '`<a href="..." ping="https://...">`', body('<a href="https://kb.test/" ping="https://track.example.com/">x</a>'),
      ("essays/two.md:18: raw HTML <a> is not allowed in essays: write links in Markdown",
       "essays/two.md:18: this page would send the reader, or what they type, to https://track.example.com/ (<a> ping)")),
    R("javascript-in-html", '`<a href="javascript:...">`', body('<a href="javascript:alert(1)">x</a>'),
      ("essays/two.md:18: raw HTML <a> is not allowed in essays",
       "essays/two.md:18: this page holds a javascript: address (<a> href): 'javascript:alert(1)'.")),
    R("other-html", "`<div>`", body("<div>boxed</div>"),
      ("essays/two.md:18: raw HTML <div> is not allowed in essays. Write it in Markdown; the only HTML allowed is <abbr>,",)),
    # -- themes, redirects, ledger, settings -------------------------------------------------------
    R("theme-without-essays", "a theme no essay uses", replace("essays/five.md", "themes: [beta, alpha]", "themes: [alpha]"),
      ("themes.yaml:4: the theme 'beta' (Beta theme) has no essays.",)),
    R("themes-file-mistakes", "several mistakes in `themes.yaml`",
      write("themes.yaml", "- key: Bad Key\n  title: x\n  description: y\n- key: beta\n  titel: B\n  description: z\n"
                           "- key: beta\n  title: C\n  title: D\n  description: w\n"),
      ("themes.yaml:1: theme #1: key 'Bad Key' must be lowercase words joined by hyphens, e.g. 'grief-and-loss'.",
       "themes.yaml:5: unknown field 'titel' in theme #2; a theme has key, title, description.",
       "themes.yaml:4: theme #2 (beta) needs a non-empty title.",
       "themes.yaml:7: the theme key 'beta' is defined twice (first at line 4); each theme needs its own key.",
       "themes.yaml:9: 'title' is given twice in theme #3 (lines 8 and 9); keep one.",
       "the build stopped at the settings: fix the 5 problem(s) above and build again.")),
    R("themes-file-not-yaml", "`title: [x` in `themes.yaml`", write("themes.yaml", "- key: alpha\n  title: [x\n"),
      ("themes.yaml:3: the themes file is not valid YAML",)),
    R("settings-and-themes-at-once", "`html_baseurl = \"kb.test\"` and a bad theme key",
      both(replace("conf.py", "\"https://kb.test/\"", "\"kb.test\""), replace("themes.yaml", "key: beta", "key: Beta")),
      ("conf.py:4: html_baseurl must be the site's public address ending in '/', e.g. 'https://notes.example.org/' "
       "(a host name, then a path of letters, digits and '-._~/'; no spaces, quotes, query or fragment); got 'kb.test'.",
       "themes.yaml:4: theme #2: key 'Beta' must be lowercase words joined by hyphens")),
    R("redirect-to-nowhere", "`/essays/old/: /essays/never/`", write("redirects.yaml", "/essays/old/: /essays/never/\n"),
      ("redirects.yaml:1: the redirect '/essays/old/' points to '/essays/never/', which does not exist.",)),
    R("redirect-without-slash", "`essays/old/: /essays/one/` (no leading `/`)",
      write("redirects.yaml", "# moved\n\nessays/old/: /essays/one/\n"),
      ("redirects.yaml:3: 'essays/old/: /essays/one/': both sides must be site addresses starting with '/'",)),
    R("redirect-twice", "the same old address redirected twice",
      write("redirects.yaml", "/essays/old/: /essays/one/\n/essays/old/: /essays/three/\n"),
      ("redirects.yaml:2: '/essays/old/' is redirected twice (lines 1 and 2); the second would silently replace the first.",)),
    R("redirects-not-yaml", "`/essays/old/: [/essays/one/` in `redirects.yaml`", write("redirects.yaml", "# moved\n/essays/old/: [/essays/one/\n"),
      ("redirects.yaml:3: the redirects file is not valid YAML",)),
    R("ledgered-section-removed", "a published section id changed, with no redirect",
      replace("essays/one.md", "{#one-first}", "{#one-start}"),
      ("links-ledger.txt:3: the published address /essays/one/#one-first no longer resolves.",
       "add a line '/essays/one/#one-first: /new/address/' to redirects.yaml")),
    # -- what reaches a page: templates, included files, HTML as a browser reads it ----------------
    R("html-in-theme-title", "a theme title with HTML, ``title: \"Alpha `<script>...</script>`\"``",
      replace("themes.yaml", "title: Alpha theme", 'title: "Alpha `<script>alert(document.domain)</script>`"'),
      ("themes.yaml:2: the title of theme #1 (alpha) 'Alpha `<script>alert(document.domain)</script>`' contains '`': "
       "a title is plain text",)),
    R("html-in-included-file", "```` ```{include} notes.txt ```` of a file with `<style>` and a raw `<a>`",
      both(write("essays/notes.txt", "<style>.kb-quick-exit{display:none!important}</style>\n"
                                     '<a href="https://evil.example/" style="position:fixed">x</a>\n'),
           body("```{include} notes.txt\n```")),
      ("essays/notes.txt:1: raw HTML <style> is not allowed in essays", "essays/notes.txt:2: raw HTML <a> is not allowed in essays",
       "the page 'essays/two' holds an inline stylesheet the site does not ship")),
    R("html-in-raw-file", "a ```` ```{raw} html ```` block with `:file: notes.html`",
      both(write("essays/notes.html", "<p>fine words</p>\n<script>alert(1)</script>\n"),
           body("```{raw} html\n:file: notes.html\n```")),
      ("essays/notes.html:1: raw HTML <p> is not allowed in essays.", "essays/notes.html:2: raw HTML <script> is not allowed in essays",
       "the page 'essays/two' holds an inline script the site does not ship: 'alert(1)'")),
    R("html-in-rst-include", "rst `.. include:: notes.rst` (in ```` ```{eval-rst} ````) with a `.. raw:: html` script",
      both(write("essays/notes.rst", ".. raw:: html\n\n   <script>alert(1)</script>\n"),
           body("```{eval-rst}\n.. include:: notes.rst\n```")),
      ("essays/notes.rst:3: raw HTML <script> is not allowed in essays",)),
    R("comment-ended-by-browser", "`<!--> <meta http-equiv=\"refresh\" ...> -->` (a comment a browser ends at `<!-->`)",
      body('<!--> <meta http-equiv="refresh" content="3;url=https://evil.example/b06"> -->'),
      ("essays/two.md:18: raw HTML <meta> is not allowed in essays",
       "essays/two.md:18: this page would send the reader, or what they type, to https://evil.example/b06 (<meta> refresh)")),
    R("comment-ended-by-bang", "`<!-- x --!><a href=...>...</a> -->` (`--!>` ends a comment)",
      body('<!-- x --!><a href="https://evil.example/">raw link</a> -->'),
      ("essays/two.md:18: raw HTML <a> is not allowed in essays",)),
    R("unclosed-comment", "`<!-- never closed` (the comment would hide the site's scripts: quick exit's keys)",
      body("<!-- never closed\n\nMore words."),
      ("essays/two.md:18: this raw HTML leaves a comment ('<!--' without '-->') open at its end: a browser would hide "
       "everything after it, the site's own scripts (quick exit) and footer included.",)),
    R("script-with-slash", "`<script/x>` in a ```` ```{raw} html ```` block", body("```{raw} html\n<script/x>alert(1)</script>\n```"),
      ("essays/two.md:19: raw HTML <script> is not allowed in essays: essays cannot run scripts.",)),
    R("hostless-link", "`[x](http:evil.example/x)` (no `//`)", body("A [x](http:evil.example/x) link."),
      ("essays/two.md:18: the link to 'http:evil.example/x' has no '//' after 'http:': a browser reads it as http://evil.example/x",)),
    R("scheme-relative-link", "`[x](//evil.example/x)`", body("A [x](//evil.example/x) link."),
      ("essays/two.md:18: the link to '//evil.example/x' has no 'https:' in front",)),
    R("typed-phone-link", "`[call](tel:988)`", body("Please [call](tel:988) now."),
      ("essays/two.md:18: the link to 'tel:988' is a phone number typed into the essay.", "write {helpline}`crisis`")),
    R("summary-as-list", "`summary: [a, b]`", replace("essays/two.md", "summary: The two essay, in one sentence.", "summary: [a, b]"),
      ("essays/two.md:2: 'summary' must be text, not a list.",)),
    R("summary-as-mapping", "`summary: {a: b}`", replace("essays/two.md", "summary: The two essay, in one sentence.", "summary: {a: b}"),
      ("essays/two.md:2: 'summary' must be text, not a set of 'name: value' pairs.",)),
    R("tag-not-a-word", "`tags: [<b>x</b>, [nested]]`", replace("essays/two.md", "tags: [ttwo]", "tags: [<b>x</b>, [nested]]"),
      ("essays/two.md:6: 'tags' holds '<b>x</b>', which is not a plain word", "essays/two.md:6: 'tags' holds 'a list', which is not a plain word")),
    R("look-alike-title", "`# Еssay one` (a Cyrillic Е) beside `# Essay one`", replace("essays/five.md", "# Essay five", "# \u0415ssay one"),
      ("essays/one.md:1: two essays have the title 'Essay one', as it looks",)),
    R("direction-override", "a right-to-left override (U+202E) in a title", replace("essays/two.md", "# Essay two", "# Essay \u202eowt"),
      ("essays/two.md:9: this line holds an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE)",)),
    R("control-character", "a raw control character (U+0007) in the text", body("A bell \x07 here."),
      ("essays/two.md:18: this line holds an invisible character (U+0007 control character)",)),
    R("base-url-with-markup", "`html_baseurl = \"https://kb.test/\\\"><script>/\"`",
      replace("conf.py", "\"https://kb.test/\"", "'https://kb.test/\"><script>/'"),
      ("conf.py:4: html_baseurl must be the site's public address ending in '/'",)),
    R("id-line-glued", "a `{#id}` line right under a paragraph, with no empty line between",
      replace("essays/two.md", "Some text. See [the other](one.md).\n\n{#two-sub}", "Some text. See [the other](one.md).\n{#two-sub}"),
      ("essays/two.md:17: the id line '{#two-sub}' above the heading 'A smaller part' is glued to the paragraph above it",)),
    # -- included and attached files ------------------------------------------------------------------
    R("include-outside-docs", "```` ```{include} ../../private.txt ```` (a file outside docs/)",
      both(outside(), body("```{include} ../../private.txt\n:literal:\n```")),
      ("essays/two.md:18: 'include' of '../../private.txt' is refused: it is outside docs/",)),
    R("rst-include-outside-docs", "`.. include::` of a file outside docs/, in a ```` ```{eval-rst} ```` block",
      both(outside(), body("```{eval-rst}\n.. include:: ../../private.txt\n```")),
      ("'include' of '../../private.txt' is refused: it is outside docs/",)),
    R("literalinclude-outside-docs", "```` ```{literalinclude} ../../private.txt ````",
      both(outside(), body("```{literalinclude} ../../private.txt\n```")),
      ("essays/two.md:18: 'literalinclude' of '../../private.txt' is refused: it is outside docs/",)),
    R("raw-file-outside-docs", "```` ```{raw} html ```` with `:file: ../../private.txt`",
      both(outside("<style>.kb-quick-exit{display:none}</style>\n"), body("```{raw} html\n:file: ../../private.txt\n```")),
      ("essays/two.md:18: 'raw' of '../../private.txt' is refused: it is outside docs/",)),
    R("csv-table-file-outside-docs", "```` ```{csv-table} ```` with `:file: ../../private.txt`",
      both(outside("a,b\n"), body("```{csv-table}\n:file: ../../private.txt\n```")),
      ("essays/two.md:18: 'csv-table' of '../../private.txt' is refused: it is outside docs/",)),
    R("raw-url", "```` ```{raw} html ```` with `:url: https://...`", body("```{raw} html\n:url: https://example.com/x.html\n```"),
      ("essays/two.md:18: 'raw' with :url: would download https://example.com/x.html at every build",)),
    R("include-not-utf-8", "an included file saved as Latin-1",
      both(write("essays/part.txt", b"Fine.\nUn caf\xe9.\n"), body("```{include} part.txt\n:literal:\n```")),
      ("essays/part.txt:2: this file is not saved as UTF-8",)),
    R("include-itself", "a file that includes itself", both(
        write("essays/loop.txt", "Again:\n\n```{include} loop.txt\n```\n"), body("```{include} loop.txt\n```")),
      ("'include' of 'loop.txt' is refused: files would include each other without end (loop.txt > loop.txt)",)),
    R("download-html", "``{download}`notes <notes.html>` `` (an HTML file)",
      both(write("essays/notes.html", "<script>alert(1)</script>\n"), body("See {download}`notes <notes.html>`.")),
      ("essays/two.md:18: the linked file 'notes.html' is refused: it is a web page, which could run scripts on the site's own address",)),
    R("link-to-local-html", "`[page](notes.html)` (a link to an HTML file in docs/)",
      both(write("essays/notes.html", "<script>alert(1)</script>\n"), body("See [page](notes.html).")),
      ("essays/two.md:18: the linked file 'notes.html' is refused: it is a web page",)),
    R("download-outside-docs", "``{download}`x <../../private.txt>` ``", both(outside(), body("See {download}`x <../../private.txt>`.")),
      ("essays/two.md:18: the linked file '../../private.txt' is refused: it is outside docs/",)),
    R("download-other-type", "``{download}`x <tool.js>` `` (a type the site does not publish)",
      both(write("essays/tool.js", "alert(1)\n"), body("See {download}`x <tool.js>`.")),
      ("essays/two.md:18: the linked file 'tool.js' is refused: it is a .js; the site publishes only .gif, .jpeg, .jpg, .pdf, .png, .svg, .txt, .webp files.",)),
    R("svg-with-script", "`![x](figure.svg)`, an SVG holding a `<script>`",
      both(write("essays/figure.svg", SCRIPT_SVG), body("![x](figure.svg)")),
      ("essays/two.md:18: the picture 'figure.svg' is refused: it holds <script>, which runs a script.",)),
    R("svg-loading-from-elsewhere", "an SVG picture with `<image href=\"https://...\">` or an `onload=`",
      both(write("essays/figure.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="go()">\n'
                                      '<image href="https://cdn.example.com/p.png"/></svg>\n'), body("![x](figure.svg)")),
      ("essays/two.md:18: the picture 'figure.svg' is refused: <svg> has the event attribute onload=, which runs a script.",
       "essays/two.md:18: the picture 'figure.svg' is refused: <image> links or loads 'https://cdn.example.com/p.png'")),
    R("picture-not-what-it-says", "`![x](photo.png)` where photo.png is an HTML file",
      both(write("essays/photo.png", "<html><script>alert(1)</script></html>\n"), body("![x](photo.png)")),
      ("essays/two.md:18: the picture 'photo.png' is refused: it is not a PNG file, whatever its name says.",)),
    R("symlink-outside-docs", "a link (symlink) in docs/ to a file outside it", both(outside(), link("essays/private.txt", "../../private.txt")),
      ("essays/private.txt:1: this is a link (symlink) to", "the build stopped at the files in docs/")),
    R("symlink-loop", "a link (symlink) in docs/ to its own folder (a loop)", link("essays/again", "."),
      ("essays/again:1: this is a link (symlink) to the folder", "the build stopped at the files in docs/")),
    R("page-too-large", "an essay of more than 2 MB", append("essays/two.md", b"\nWords. " * 300_000),
      ("essays/two.md:1: This file is 2.4 MB, more than the 2.0 MB the build reads from one file",
       "the build stopped at the files in docs/")),
    R("theme-pages-not-writable", "a `themes` path in docs/ the build cannot write its theme pages into",
      both(remove_folder("themes"), write("themes", "not a folder\n")),
      ("the build writes a page per theme (from themes.yaml) into this folder, and cannot",
       "the build stopped at the theme pages")),
    # -- bounded input --------------------------------------------------------------------------------
    R("alias-in-front-matter", "`tags:` with YAML aliases (a few hundred bytes that expand without limit)",
      replace("essays/two.md", "tags: [ttwo]", f"tags: {ALIAS_BOMB}"),
      ("essays/two.md:6: the front matter uses a YAML alias (*a), which is not accepted",)),
    R("alias-in-themes", "a theme title made of YAML aliases", replace("themes.yaml", "title: Alpha theme", f"title: {ALIAS_BOMB}"),
      ("themes.yaml:2: the themes file uses a YAML alias (*a), which is not accepted",)),
    R("alias-in-redirects", "a redirect whose target is a YAML alias",
      write("redirects.yaml", "/essays/old/: &a /essays/one/\n/essays/older/: *a\n"),
      ("redirects.yaml:2: the redirects file uses a YAML alias (*a), which is not accepted",)),
    R("number-as-field-name", "`2: y` beside `sumary: typo` in front matter",
      replace("essays/two.md", "tags: [ttwo]", "tags: [ttwo]\nsumary: typo\n2: y"),
      ("essays/two.md:8: the front matter has a name that is not text ('2')",)),
    R("deep-nesting", "`tags:` nested 100 lists deep", replace("essays/two.md", "tags: [ttwo]", "tags: " + "[" * 100 + "]" * 100),
      ("essays/two.md:6: the front matter nests lists or fields more than 30 levels deep",)),
    R("ledger-not-utf-8", "a Latin-1 byte in `links-ledger.txt`", append("links-ledger.txt", b"/essays/caf\xe9/\n"),
      ("links-ledger.txt:5: this file is not saved as UTF-8",)),
    R("lexicon-not-utf-8", "a Latin-1 byte in the lexicon",
      both(lambda root: (root / "docs").mkdir(), write("docs/lexicon.yaml", b"same:\n  - caf\xe9 coffee\n")),
      ("docs/lexicon.yaml:2: this file is not saved as UTF-8",)),
    # -- paths the build writes -----------------------------------------------------------------------
    R("redirect-outside-the-site", "`/../../outside/: /essays/one/` in `redirects.yaml`",
      write("redirects.yaml", "/../../../../outside/folder/: /essays/one/\n"),
      ("redirects.yaml:1: '/../../../../outside/folder/': an old address must be a page's address",)),
    R("redirect-percent-encoded", "`/%2e%2e/%2e%2e/x/: /essays/one/`", write("redirects.yaml", "/%2e%2e/%2e%2e/x/: /essays/one/\n"),
      ("redirects.yaml:1: '/%2e%2e/%2e%2e/x/': an old address must be a page's address",)),
    R("redirect-onto-a-file", "`/_static/kb-exit.js/: /essays/one/` (onto a file of the site)",
      write("redirects.yaml", "# moved\n/_static/kb-exit.js/: /essays/one/\n"),
      ("redirects.yaml:2: '/_static/kb-exit.js/': an old address must be a page's address",)),
    R("redirect-onto-a-made-page", "`/search/: /essays/one/` (the address of a page the site makes)",
      write("redirects.yaml", "/search/: /essays/one/\n"),
      ("redirects.yaml:1: the redirect '/search/' is the address of a page the site makes (search): one would replace the other.",)),
    R("help-line-malformed", "a help line's `'call': '1-800-HELP'` and `'chat': 'http://...'` in conf.py",
      append("conf.py", b"\nkb_help_lines = {\n    'crisis': {'name': 'the line', 'call': '1-800-HELP',\n"
                        b"               'chat': 'http://chat.example/'},\n}\n"),
      ("conf.py:10: kb_help_lines['crisis']: 'call' must be a phone number, digits with an optional leading +",
       "conf.py:11: kb_help_lines['crisis']: 'chat' must be an https:// address")),
    R("page-discreet-not-a-flag", "`discreet: yes please` on a page that is not an essay (a help page)",
      replace("glossary.md", "# Glossary\n", "---\nsummary: Words.\ndiscreet: yes please\n---\n# Glossary\n"),
      ("glossary.md:3: 'discreet: yes please' must be true or false",)),
]


def said(stderr: str, root: Path) -> str:
    """The build's messages as "file:line: message", files relative to the test root."""
    lines = []
    for line in stderr.splitlines():
        line = line.replace(f"{root}/", "")
        line = re.sub(r"^(\S[^:]*(?::\d+)?: )(?:WARNING|ERROR): ", r"\1", line)
        lines.append(re.sub(r" \[[\w.]+\]$", "", line))
    return "\n".join(lines)


def test_the_test_root_itself_builds_cleanly(site_copy, tmp_path):
    sphinx_build(site_copy(), tmp_path / "out")


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda refusal: refusal.probe)
def test_bad_input_is_refused_with_file_line_and_fix(site_copy, tmp_path, refusal):
    root = site_copy()
    refusal.change(root)
    result = sphinx_build(root, tmp_path / "out", check=False, in_process=True)
    assert result.returncode != 0, "the build should have failed"
    messages = said(result.stderr, root)
    for message in refusal.says:
        assert message in messages, f"{message!r} not in:\n{messages}"
    assert "Traceback" not in result.stderr and "open an issue" not in result.stderr


def test_a_byte_order_mark_is_accepted(site_copy, tmp_path):
    """Some editors start a UTF-8 file with one; Sphinx and MyST read it, and so does the schema."""
    root = site_copy()
    essay = root / "essays" / "two.md"
    essay.write_bytes(b"\xef\xbb\xbf" + essay.read_bytes())
    sphinx_build(root, tmp_path / "out")
    theme = (tmp_path / "out" / "themes" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "The two essay, in one sentence." in theme


def test_refusals_are_each_probed_once():
    probes = [refusal.probe for refusal in REFUSALS]
    assert len(probes) == len(set(probes))


def guide_table() -> str:
    rows = ["| You wrote | The build says (file:line: message) |", "| --- | --- |"]
    for refusal in REFUSALS:
        says = "<br>".join(f"`{message}`" for message in refusal.says)
        rows.append(f"| {refusal.wrote.replace('|', '&#124;')} | {says.replace('|', chr(92) + '|')} |")
    return "\n".join([TABLE_START, *rows, TABLE_END])


def guide_with_table(guide: str) -> str:
    start, end = guide.index(TABLE_START), guide.index(TABLE_END) + len(TABLE_END)
    return guide[:start] + guide_table() + guide[end:]


def test_the_authors_guide_lists_every_refused_input():
    guide = GUIDE.read_text(encoding="utf-8")
    assert guide_with_table(guide) == guide, "guide/authoring.md's table is out of date: run .venv/bin/python tests/test_bad_input.py"


if __name__ == "__main__":
    GUIDE.write_text(guide_with_table(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{GUIDE}: the table of refused inputs now lists {len(REFUSALS)} inputs.")
