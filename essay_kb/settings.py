"""The extension's configuration values: declared once, validated at ``config-inited``."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from sphinx.errors import ConfigError

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


def load_themes(path: Path) -> list[dict]:
    """Read and check the themes file; raise ConfigError naming the file, entry and fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"kb_themes_file: cannot read {path}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: the themes file is not valid YAML ({exc}).") from exc
    if not isinstance(data, list) or not data:
        raise ConfigError(f"{path}: expected a list of themes, each with key, title and description.")
    themes, seen = [], set()
    for position, entry in enumerate(data, start=1):
        where = f"{path}: theme #{position}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a mapping with key, title and description.")
        key = str(entry.get("key", "")).strip()
        if not THEME_KEY.match(key):
            raise ConfigError(
                f"{where}: key {key!r} must be lowercase words joined by hyphens, e.g. 'grief-and-loss'."
            )
        if key in seen:
            raise ConfigError(f"{where}: key {key!r} is defined twice; each theme needs its own key.")
        seen.add(key)
        title = str(entry.get("title") or "").strip()
        description = " ".join(str(entry.get("description") or "").split())
        if not title or not description:
            raise ConfigError(f"{where} ({key}): needs a non-empty title and description.")
        themes.append({"key": key, "title": title, "description": description, "order": position})
    return themes


def check_config(app, config) -> None:
    base = config.html_baseurl or ""
    if not re.match(r"^https?://[^/]+/(.*/)?$", base):
        raise ConfigError(
            f"html_baseurl must be the site's public address ending in '/', e.g. "
            f"'https://notes.example.org/'; got {base!r}."
        )
    # sphinx-sitemap's default scheme inserts the language ("/en/") into every address; this
    # site publishes at the plain dirhtml paths. Search and the general index are not content.
    if config.sitemap_url_scheme == "{lang}{version}{link}":
        config.sitemap_url_scheme = "{link}"
    for page in ("search/", "genindex/", "404/"):
        if page not in config.sitemap_excludes:
            config.sitemap_excludes = [*config.sitemap_excludes, page]
    themes_path = Path(app.confdir, config.kb_themes_file)
    config.kb_themes = load_themes(themes_path)
    config.kb_themes_path = str(themes_path)


def setup(app) -> None:
    for name, (default, rebuild) in CONFIG_VALUES.items():
        app.add_config_value(name, default, rebuild)
    # Filled at config-inited from kb_themes_file; "env" so an edited themes file re-reads every page.
    app.add_config_value("kb_themes", [], "env")
    app.add_config_value("kb_themes_path", "", "")
    app.connect("config-inited", check_config)
