"""The extension's configuration values: declared once, validated at ``config-inited``."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util import logging

from .source import KeyLines, decode, load_yaml

logger = logging.getLogger(__name__)

THEME_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# name: (default, rebuild)
CONFIG_VALUES = {
    "kb_practice_name": ("Relational Therapy Notes", "html"),
    "kb_author_line": ("Written by the clinicians of the practice", "html"),
    "kb_crisis_notice": (
        'If you are in crisis, call or text <a href="tel:988">988</a> in the US, '
        "or your local emergency number.",
        "html",
    ),
    "kb_disclaimer": ("This is general information, not therapy or medical advice.", "html"),
    # What a discreet essay's link preview says under the practice's name (see previews.py).
    "kb_discreet_preview_line": ("An essay from our practice.", "html"),
    # host:port of the live preview (`make serve`, sphinx-autobuild): the pages' security policy
    # then lets its reload script run. Leave empty for a published build.
    "kb_dev_server": ("", "html"),
    "kb_themes_file": ("docs/themes.yaml", "env"),
    "kb_essays_dir": ("essays", "env"),
    "kb_redirects_file": ("redirects.yaml", "env"),
    "kb_ledger_file": ("links-ledger.txt", "env"),
    # Search's lay lexicon: readers' words and the essays' words for the same things (lexicon.py).
    "kb_lexicon_file": ("docs/lexicon.yaml", ""),
    # Where the sentence model's vectors are kept between builds (meaning.py); the environment
    # variable KB_EMBEDDING_CACHE overrides it. Relative to the configuration's folder.
    "kb_embedding_cache": ("_build/embeddings", ""),
    "kb_words_per_minute": (200, "env"),
    # How many of the current theme's essays the sidebar shows at once: keeps every page's
    # HTML the same size however large the site grows.
    "kb_sidebar_window": (12, "html"),
    # Pages listed under "About" in the sidebar, in order (docnames).
    # The page holding the {kb-link-directory} for therapists.
    "kb_links_page": ("links", "html"),
    "kb_sidebar_pages": (["about-this-approach", "using-this-site", "glossary", "links"], "html"),
}


THEME_FIELDS = ("key", "title", "description")


def read_themes(path: Path) -> tuple[list[dict], list[tuple[int | None, str]]]:
    """The themes in the themes file, and every problem in it as (line, message): all of them, so
    that one build shows the author everything to fix."""
    try:
        text, problem = decode(path.read_bytes())
    except OSError as exc:
        return [], [(None, f"cannot read the themes file {path}: {exc.strerror}. Check kb_themes_file.")]
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


def check_config(app, config) -> None:
    problems = []  # (location, message)
    base = config.html_baseurl or ""
    if not re.match(r"^https?://[^/]+/(.*/)?$", base):
        problems.append((setting_location(app, "html_baseurl"), (
            f"html_baseurl must be the site's public address ending in '/', e.g. "
            f"'https://notes.example.org/'; got {base!r}."
        )))
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
    if problems:
        stop(problems)


def stop(problems: list[tuple[str, str]]) -> None:
    """End the build now, naming every problem as file:line: message. Sphinx would wrap an
    exception in its crash report ("please open an issue"), which this is not: these are the
    author's to fix, and nothing else can be checked until they are."""
    for location, message in problems:
        logger.error(message, location=location, type="kb", subtype="settings")
    logger.error(f"the build stopped at the settings: fix the {len(problems)} problem(s) above and build again.")
    raise SystemExit(2)


def setup(app) -> None:
    for name, (default, rebuild) in CONFIG_VALUES.items():
        app.add_config_value(name, default, rebuild)
    # Filled at config-inited from kb_themes_file; "env" so an edited themes file re-reads every page.
    app.add_config_value("kb_themes", [], "env")
    app.add_config_value("kb_themes_path", "", "")
    app.connect("config-inited", check_config)
