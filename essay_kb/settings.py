"""The extension's configuration values: declared once, validated at ``config-inited``."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util import logging

from .source import KeyLines, decode, load_yaml, read_source
from .text import invisible_problem, title_problem

from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

THEME_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The site's address, strictly (it is written into every page, the feed, the sitemap and the
# redirect stubs): http(s), a host name (with an optional port), a path of URL-safe characters
# ending in '/', nothing else.
BASE_URL = re.compile(r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?::[0-9]{1,5})?/(?:[A-Za-z0-9._~-]+/)*$")
# Settings shown as text on pages: escaped everywhere, and checked for invisible characters.
TEXT_SETTINGS = ("kb_practice_name", "kb_author_line", "kb_disclaimer", "kb_discreet_preview_line",
                 "kb_reading_list_title", "kb_reading_list_description")

# name: (default, rebuild, types). Sphinx checks each value against its types at config-inited
# (a wrong type is a warning, so it fails the build).
CONFIG_VALUES = {
    "kb_practice_name": ("Relational Therapy Notes", "html", str),
    "kb_author_line": ("Written by the clinicians of the practice", "html", str),
    "kb_disclaimer": ("This is general information, not therapy or medical advice.", "html", str),
    # What a discreet essay's link preview says under the practice's name (see previews.py).
    "kb_discreet_preview_line": ("An essay from our practice.", "html", str),
    # The reading-list page's tab title and link preview (reading_list.py): the same whatever
    # sections a list holds, so a link on a lock screen never names a topic.
    "kb_reading_list_title": ("A reading list from your therapist's practice", "html", str),
    "kb_reading_list_description": ("Some sections of essays, chosen for you to read in order.", "html", str),
    # host:port of the live preview (`make serve`, sphinx-autobuild): the pages' security policy
    # then lets its reload script run. Leave empty for a published build.
    "kb_dev_server": ("", "html", str),
    # Set by `make html`, which builds into <this>.partial and moves it here when the build
    # succeeds: the build's last line then names the folder the site really ends up in.
    "kb_site_dir": ("", "", str),
    # 1 in the live preview (`make serve`): drafts are shown and marked, and each page lists its
    # problems at the top (drafts.py, preview.py). 0 for the published site.
    "kb_preview": (0, "env", int),
    "kb_themes_file": ("docs/themes.yaml", "env", str),
    "kb_essays_dir": ("essays", "env", str),
    "kb_redirects_file": ("redirects.yaml", "env", str),
    "kb_ledger_file": ("links-ledger.txt", "env", str),
    # Search's lay lexicon: readers' words and the essays' words for the same things (lexicon.py).
    "kb_lexicon_file": ("docs/lexicon.yaml", "", str),
    # Where the sentence model's vectors are kept between builds (meaning.py); the environment
    # variable KB_EMBEDDING_CACHE overrides it. Relative to the configuration's folder.
    "kb_embedding_cache": ("_build/embeddings", "", str),
    "kb_words_per_minute": (200, "env", int),
    # How many of the current theme's essays the sidebar shows at once: keeps every page's
    # HTML the same size however large the site grows.
    "kb_sidebar_window": (12, "html", int),
    # Pages listed under "About" in the sidebar, in order (docnames).
    # The page holding the {kb-link-directory} for therapists.
    "kb_links_page": ("links", "html", str),
    "kb_sidebar_pages": (["about-this-approach", "using-this-site", "glossary", "links"], "html", (list, tuple)),
    # Who reviews essays, by role (never a person's name): an essay's 'reviewer:' is one of these
    # keys, or kb_default_reviewer. Its page says "Reviewed by <role>". See review.py.
    "kb_reviewers": ({"lcsw": "a licensed clinical social worker of the practice",
                      "psychologist": "a licensed psychologist of the practice"}, "env", dict),
    "kb_default_reviewer": ("lcsw", "html", str),
    # An essay's next clinical review is due this many days after its last ('reviewed:').
    "kb_review_interval_days": (365, "html", int),
}


THEME_FIELDS = ("key", "title", "description")


def read_themes(path: Path) -> tuple[list[dict], list[tuple[int | None, str]]]:
    """The themes in the themes file, and every problem in it as (line, message): all of them, so
    that one build shows the author everything to fix."""
    if not path.is_file():
        return [], [(None, f"cannot read the themes file {path}: there is no such file. Check kb_themes_file.")]
    text, problem = read_source(path)
    if problem:
        return [], [problem]
    data, problems = load_yaml(text)
    if problems:
        return [], [(line, f"the themes file {message.removeprefix('this ')}.") for line, message in problems]
    if not isinstance(data, list) or not data:
        return [], [(1, "expected a list of themes, each with key, title and description:\n"
                        "- key: grief-and-loss\n  title: Grief and loss\n  description: One or two sentences.")]
    themes, seen = [], {}
    for position, (entry, entry_line) in enumerate(zip(data, data.lines), start=1):
        if not isinstance(entry, KeyLines):
            problems.append((entry_line, f"theme #{position} must be 'key:', 'title:' and 'description:' "
                                         "lines after a '- '."))
            continue
        line = entry.lines.get
        for name, first, again in entry.duplicates:
            problems.append((again, f"'{name}' is given twice in theme #{position} (lines {first} and {again}); "
                                    "keep one."))
        for name in entry:
            if name not in THEME_FIELDS:
                problems.append((line(name), f"unknown field '{name}' in theme #{position}; a theme has "
                                             f"{', '.join(THEME_FIELDS)}."))
        key = str(entry.get("key", "")).strip()
        if not THEME_KEY.match(key):
            problems.append((line("key", entry.line), (
                f"theme #{position}: key {key!r} must be lowercase words joined by hyphens, e.g. 'grief-and-loss'.")))
        elif key in seen:
            problems.append((line("key"), f"the theme key {key!r} is defined twice (first at line {seen[key]}); "
                                          "each theme needs its own key."))
        else:
            seen[key] = line("key")
        title = str(entry.get("title") or "").strip()
        description = " ".join(str(entry.get("description") or "").split())
        for name, value in (("title", title), ("description", description)):
            if not value:
                problems.append((line(name, entry.line), f"theme #{position} ({key}) needs a non-empty {name}."))
        for name, problem in (("title", title_problem(title, f"the title of theme #{position} ({key})")),
                              ("description", invisible_problem(description, f"the description of theme #{position} ({key})"))):
            if problem:
                problems.append((line(name, entry.line), problem))
        themes.append({"key": key, "title": title, "description": description, "order": position})
    return themes, problems


def load_themes(path: Path) -> list[dict]:
    """The themes file's themes; ConfigError naming every problem with its line."""
    themes, problems = read_themes(path)
    if problems:
        raise ConfigError("\n".join(f"{path}:{line}: {message}" if line else f"{path}: {message}"
                                     for line, message in problems))
    return themes


def setting_location(app, name: str) -> str:
    """conf.py and the line that sets ``name`` (line 1 when conf.py does not set it)."""
    conf = Path(app.confdir, "conf.py")
    try:
        lines = conf.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeError):
        lines = []
    number = next((n for n, line in enumerate(lines, start=1) if re.match(rf"\s*{name}\s*=", line)), None)
    return f"{conf}:{number or 1}"


def value_location(app, name: str, value) -> str:
    """conf.py and the line, at or after the one that sets ``name``, that holds ``value`` written
    in quotes or as a number (a help line's malformed number); the setting's own line otherwise."""
    where = setting_location(app, name)
    if value is None or isinstance(value, (dict, list, tuple)):
        return where
    conf, start = where.rsplit(":", 1)
    try:
        lines = Path(conf).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeError):
        return where
    written = re.compile(rf"""(['"]){re.escape(str(value))}\1""" if isinstance(value, str)
                         else rf"(?<![\w.]){re.escape(repr(value))}(?![\w.])")
    number = next((n for n, line in enumerate(lines, start=1) if n >= int(start) and written.search(line)), None)
    return f"{conf}:{number}" if number else where


def check_config(app, config) -> None:
    problems = []  # (location, message)
    base = config.html_baseurl or ""
    if not BASE_URL.match(base):
        problems.append((setting_location(app, "html_baseurl"), (
            f"html_baseurl must be the site's public address ending in '/', e.g. "
            f"'https://notes.example.org/' (a host name, then a path of letters, digits and '-._~/'; "
            f"no spaces, quotes, query or fragment); got {base!r}."
        )))
    for name in TEXT_SETTINGS:
        problem = invisible_problem(str(getattr(config, name, "") or ""), name)
        if problem:
            problems.append((setting_location(app, name), problem))
    # sphinx-sitemap's default scheme inserts the language ("/en/") into every address; this
    # site publishes at the plain dirhtml paths. Search and the general index are not content.
    if config.sitemap_url_scheme == "{lang}{version}{link}":
        config.sitemap_url_scheme = "{link}"
    for page in ("search/", "genindex/", "404/"):
        if page not in config.sitemap_excludes:
            config.sitemap_excludes = [*config.sitemap_excludes, page]
    themes_path = Path(app.confdir, config.kb_themes_file)
    config.kb_themes, theme_problems = read_themes(themes_path)
    config.kb_themes_path = str(themes_path)
    # A problem without a line (an unreadable file) is the setting's.
    problems += [(f"{themes_path}:{line}" if line else setting_location(app, "kb_themes_file"), message)
                 for line, message in theme_problems]
    # Help lines and the quick exit are checked here too, so every settings mistake is listed at once.
    from . import helplines, safety  # they import settings' neighbours; imported late to avoid a cycle
    for message, value in helplines.config_problems(config) + [(m, None) for m in safety.config_problems(config)]:
        named = re.match(r"(kb_\w+)", message)
        problems.append((value_location(app, named.group(1) if named else "kb_help_lines", value), message))
    if problems:
        stop(problems)


def stop(problems: list[tuple[str, str]]) -> None:
    """End the build now, naming every problem as file:line: message. Sphinx would wrap an
    exception in its crash report ("please open an issue"), which this is not: these are the
    author's to fix, and nothing else can be checked until they are."""
    for location, message in problems:
        logger.error(message, location=location, type="kb", subtype=KbWarning.SETTINGS)
    logger.error(f"the build stopped at the settings: fix the {len(problems)} problem(s) above and build again.",
                 type="kb", subtype=KbWarning.SETTINGS)
    raise SystemExit(2)


def setup(app) -> None:
    for name, (default, rebuild, types) in CONFIG_VALUES.items():
        app.add_config_value(name, default, rebuild, types=types)
    # Filled at config-inited from kb_themes_file; "env" so an edited themes file re-reads every page.
    app.add_config_value("kb_themes", [], "env", types=list)
    app.add_config_value("kb_themes_path", "", "", types=str)
    app.connect("config-inited", check_config)
