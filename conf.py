"""Sphinx configuration for the knowledge base.

Everything an author or the practice may want to change lives in the "Site settings" block.
The source files are in docs/; build with `make html` (it runs sphinx-build -c . docs _build/html).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# -- Site settings -------------------------------------------------------------------------------

# The practice's public name and the author line shown on essays. Neutral defaults; no real person.
kb_practice_name = "Relational Therapy Notes"
kb_author_line = "Written by the clinicians of the practice"

# The public address of the site, with a trailing slash. Canonical URLs, the sitemap, the feed,
# link previews and the "Copy link" buttons are all made from it. Set it once here, or for one build
# with the environment variable KB_BASE_URL (the deploy workflow does this).
html_baseurl = os.environ.get("KB_BASE_URL", "https://notes.example.org/")

# Help lines, set only here: essays, the crisis notice and search use them by name
# ({helpline}`crisis` in an essay). The defaults (US) are in essay_kb/helplines.py; a practice
# elsewhere sets its own, for example:
# kb_help_lines = {"crisis": {"name": "Samaritans", "call": "116 123", "for": "..."}, ...}
# The crisis notice on every page (the 404 page and print included) is made from the "crisis" and
# "emergency" lines and links to the help pages below that have a label.
# A line says how to reach it and what it offers ('call', 'text', 'text_word', 'text_where',
# 'chat', 'videophone', 'hours', 'languages', 'cost', 'cannot_speak', 'for'): essays never promise
# "free" or "call or text" themselves. A malformed number or a chat address that is not https://
# stops the build at its line here.

# The practice's own country (its lines are kb_help_lines), as it reads in "Outside the United
# States?" and "written for readers in the United States".
kb_help_country = "the United States"
# Other countries whose lines the help pages and the crisis notice offer under "Outside ...?", in
# this order: codes of the countries essay_kb/helplines.py knows (COUNTRY_LINES), or a country of
# your own: {"code": "FR", "name": "France", "lines": {"crisis": {"name": ..., "call": ...}}}.
kb_help_countries = ["CA", "GB", "IE", "AU", "NZ"]
# Everyone else: a directory of help lines worldwide (a plain link; None for none).
kb_help_elsewhere = {"name": "Find A Helpline", "url": "https://findahelpline.com/"}

# Pages for the worst moments: the sidebar's "Help now" group, in this order. A label puts a link
# to the page, with that label, in the crisis notice on every page.
kb_help_pages = {
    "help/thinking-about-suicide": "What to do right now",
    "help/hurting-yourself": "If you are hurting yourself",
    "help/not-safe-at-home": "If you are not safe at home",
    "help/reading-safely": "",
    "help/safety-plan": "Make a safety plan",
}

# "Exit this page" at the top of every page leads here at once (a neutral site; https only), and
# the link beside it to the section that explains what it does and cannot do.
kb_quick_exit_url = "https://www.google.com/"
kb_quick_exit_help = "help/not-safe-at-home#quick-exit"

kb_disclaimer = (
    "These essays are general information, not therapy or medical advice, "
    "and reading them does not create a therapist–client relationship."
)

# Themes (key, title, description, order) are defined in one place: this file.
kb_themes_file = "docs/themes.yaml"

# Redirects for moved essays and sections, and the ledger of every URL ever published.
kb_redirects_file = "redirects.yaml"
kb_ledger_file = "links-ledger.txt"

# -- Sphinx --------------------------------------------------------------------------------------

project = kb_practice_name
author = kb_author_line
copyright = "the practice"
language = "en"
root_doc = "index"
extensions = [
    "myst_parser",
    "essay_kb",
    "sphinx_sitemap",
]
myst_enable_extensions = ["attrs_block", "attrs_inline", "colon_fence", "deflist"]
exclude_patterns = ["_build", "**/README.md"]
templates_path = []
html_theme = "furo"
html_title = kb_practice_name
html_static_path = []
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_last_updated_fmt = None
html_permalinks = False  # each section heading carries a visible "Copy link" control instead
html_theme_options = {
    "navigation_with_keys": False,
    "top_of_page_buttons": [],
}

# sphinx-sitemap: loc = base URL + the page's real dirhtml path (no /en/ prefix).
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search/", "genindex/", "404/"]
