"""Clinical review, dated: every essay shows when it was last reviewed, when its next review is due,
and who reviewed it, by role; ``make review`` lists what is due; every build reports what is overdue.

Help pages (``kb_help_pages``) are reviewed the same way: their front matter (``schema.HELP_FIELDS``)
holds ``reviewed`` and ``reviewer``, checked like an essay's with file:line messages; the page ends
with "Reviewed <date> by <role>" (at the end rather than under the title, so that a reader in crisis
meets the help first); ``make review`` and the build's overdue report list them with the essays.

An essay's ``reviewed`` date is required and its ``reviewer`` is a key of ``kb_reviewers`` (a role,
never a person's name; ``kb_default_reviewer`` when left out). The next review is due
``kb_review_interval_days`` after the last. The page shows both dates under its title (readers
missed them in the footer in the NHS's testing) and carries them as schema.org ``MedicalWebPage``
data (JSON-LD, a data block: the page's security policy needs no hash for it, since a browser never
runs it).

"Overdue" depends on today's date, so it is never written into a page (two builds of one commit stay
byte-identical): it is said in the build's output, as information rather than a warning, so that an
overdue review never blocks publishing an unrelated fix. ``KB_TODAY=YYYY-MM-DD`` sets "today".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.util import logging

from . import schema
from .collectors import PageDataCollector
from .dependencies import Placeholder
from .model import split_front_matter, validate_help_page
from .previews import preview_text
from .privacy import script_json
from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
SOON_DAYS = 30  # make review lists the essays due within this many days


def today() -> dt.date:
    """Today, or the day KB_TODAY names (for tests, and to look ahead)."""
    value = os.environ.get("KB_TODAY", "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"KB_TODAY={value!r} is not a date: write it as YYYY-MM-DD, e.g. KB_TODAY=2026-03-01.") from None


def next_review(reviewed: str, interval_days: int) -> str:
    return (dt.date.fromisoformat(reviewed) + dt.timedelta(days=interval_days)).isoformat()


def reviewer_role(config, essay: dict) -> str:
    return config.kb_reviewers[essay["reviewer"] or config.kb_default_reviewer]


def human_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B %Y')}"


def time_html(iso: str) -> str:
    return f'<time datetime="{iso}">{human_date(iso)}</time>'


def check_settings(app, config) -> None:
    """The review settings, at config-inited: a ConfigError naming the setting and the fix."""
    reviewers = config.kb_reviewers
    if not isinstance(reviewers, dict) or not reviewers or not all(
            isinstance(k, str) and k and isinstance(v, str) and v.strip() for k, v in reviewers.items()):
        raise ConfigError(
            "kb_reviewers must map a short key to a role, e.g. {\"lcsw\": \"a licensed clinical social worker "
            "of the practice\"}: a role, never a person's name.")
    if config.kb_default_reviewer not in reviewers:
        raise ConfigError(
            f"kb_default_reviewer {config.kb_default_reviewer!r} is not a key of kb_reviewers "
            f"({', '.join(reviewers)}): use one of them.")
    if not isinstance(config.kb_review_interval_days, int) or config.kb_review_interval_days < 1:
        raise ConfigError(f"kb_review_interval_days must be a whole number of days, e.g. 365; "
                          f"got {config.kb_review_interval_days!r}.")
    today()  # a bad KB_TODAY stops the build here, not after it


# -- on the page ---------------------------------------------------------------------------------

def medical_web_page(app, pagename: str) -> dict:
    """schema.org data for an essay page: what it is, for whom, and its review."""
    essay, config = app.env.kb_essays[pagename], app.config
    # A discreet essay's data says no more than its link preview does.
    name, description = preview_text(essay["title"], essay["summary"], discreet=essay["discreet"],
                                     practice=config.kb_practice_name, neutral_line=config.kb_discreet_preview_line)
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": name,
        "description": description,
        "url": config.html_baseurl + app.builder.get_target_uri(pagename),
        "inLanguage": config.language or "en",
        "datePublished": essay["published"],
        "lastReviewed": essay["reviewed"],
        "reviewedBy": {"@type": "Organization", "name": config.kb_practice_name,
                       "description": reviewer_role(config, essay)},
        "audience": {"@type": "PatientAudience"},
    }


def add_structured_data(app, pagename, templatename, context, doctree) -> None:
    essay = app.env.kb_essays.get(pagename)
    if not essay or not essay["valid"] or essay["draft"]:
        return
    data = script_json(medical_web_page(app, pagename), sort_keys=False)
    context["metatags"] = context.get("metatags", "") + f'<script type="application/ld+json">{data}</script>\n'


# -- help pages ----------------------------------------------------------------------------------

class kb_page_review(Placeholder):
    """Placeholder at the end of a help page: "Reviewed <date> by <role>"."""


def is_help_page(app, docname: str) -> bool:
    return docname in (app.config.kb_help_pages or {})


class HelpPageCollector(PageDataCollector):
    """``env.kb_help_reviews[docname]``: a help page's front matter checked against
    ``schema.HELP_FIELDS`` (each problem a warning at its line), its title, and whether it is valid."""

    stores = ("kb_help_reviews",)

    def process_doc(self, app, doctree):
        env = app.env
        if not is_help_page(app, env.docname):
            return
        data, key_lines, problems = split_front_matter(env.doc2path(env.docname).read_text(encoding="utf-8-sig"))
        fields, more = (validate_help_page(data, key_lines, app.config.kb_reviewers)
                        if data or not problems else ({}, []))
        problems += more
        for problem in problems:
            logger.warning(problem.message, location=(env.docname, problem.line), type="kb", subtype=KbWarning.PAGE)
        title = next(iter(doctree.findall(nodes.title)), None)
        env.kb_help_reviews[env.docname] = {**(fields or schema.defaults(schema.HELP_FIELDS)), "valid": not problems,
                                            "title": title.astext() if title is not None else env.docname}


def init_env(app) -> None:
    if not hasattr(app.env, "kb_help_reviews"):
        app.env.kb_help_reviews = {}


def mark_help_page(app, doctree) -> None:
    """A help page's review goes at the end of its article, after the help."""
    if is_help_page(app, app.env.docname):
        article = next((n for n in doctree.children if isinstance(n, nodes.section)), doctree)
        article.append(kb_page_review())


def fill_page_review(app, doctree, docname: str) -> None:
    page = getattr(app.env, "kb_help_reviews", {}).get(docname)
    for node in list(doctree.findall(kb_page_review)):
        if not page or not page["valid"]:
            node.replace_self([])
            continue
        html = (f'<p class="kb-page-review">Reviewed {time_html(page["reviewed"])} '
                f'by {escape(reviewer_role(app.config, page))}</p>')
        node.replace_self(nodes.raw("", html, format="html"))


# -- what is due ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Due:
    path: str
    title: str
    reviewed: str
    role: str
    due: str
    days: int  # until it is due; negative once overdue

    def when(self) -> str:
        if self.days < 0:
            return f"overdue by {-self.days} day{'s' if self.days != -1 else ''}"
        return "due today" if self.days == 0 else f"due in {self.days} day{'s' if self.days != 1 else ''}"


def due_reviews(essays: list[tuple[str, str, str, str]], interval_days: int, day: dt.date, within: int) -> list[Due]:
    """Of (path, title, reviewed, role), those due within ``within`` days of ``day`` or overdue,
    soonest first."""
    found = []
    for path, title, reviewed, role in essays:
        due = next_review(reviewed, interval_days)
        days = (dt.date.fromisoformat(due) - day).days
        if days <= within:
            found.append(Due(path, title, reviewed, role, due, days))
    return sorted(found, key=lambda d: (d.due, d.path))


def report_overdue(app, exception) -> None:
    """Every build says which essays are overdue for review, without failing."""
    if exception:
        return
    pages = [*app.env.kb_essays.items(), *getattr(app.env, "kb_help_reviews", {}).items()]
    listed = [(os.path.relpath(app.env.doc2path(d)), e["title"], e["reviewed"], reviewer_role(app.config, e))
              for d, e in sorted(pages) if e["valid"] and not e.get("draft")]
    for due in due_reviews(listed, app.config.kb_review_interval_days, today(), within=-1):
        logger.info(f"review overdue: {due.path}: '{due.title}' was last reviewed {due.reviewed}, so its review "
                    f"was due {due.due} ({due.when()}). Once it is reviewed, update its 'reviewed:' date.")


# -- make review ---------------------------------------------------------------------------------

def read_settings(confdir: Path) -> dict:
    """The kb_* settings as conf.py sets them, over their defaults, without running a build."""
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    from .settings import CONFIG_VALUES

    namespace = eval_config_file(confdir / "conf.py", Tags())
    settings = {name: namespace.get(name, default) for name, (default, _, _) in CONFIG_VALUES.items()}
    settings["kb_help_pages"] = namespace.get("kb_help_pages", {})  # declared by safety.py
    return settings


def collection(confdir: Path, srcdir: Path, settings: dict) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """((path, title, reviewed, role) of every essay and help page whose front matter is valid,
    paths of the others)."""
    from .model import validate_essay
    from .source import read_source
    from .settings import load_themes

    themes = load_themes(confdir / settings["kb_themes_file"])
    reviewers = settings["kb_reviewers"]
    essays, broken = [], []
    help_pages = [srcdir / f"{docname}.md" for docname in settings.get("kb_help_pages") or {}]
    for path in sorted((srcdir / settings["kb_essays_dir"]).rglob("*.md")) + help_pages:
        text, unreadable = read_source(path)
        if unreadable:
            broken.append(os.path.relpath(path))
            continue
        data, lines, problems = split_front_matter(text)
        fields, more = ((validate_help_page(data, lines, reviewers) if path in help_pages
                         else validate_essay(data, lines, themes, reviewers)) if not problems else ({}, []))
        shown = os.path.relpath(path)
        if problems or more:
            broken.append(shown)
            continue
        if fields.get("draft"):
            continue  # a draft has no review yet; it is not published
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
        essays.append((shown, title, fields["reviewed"], reviewers[fields["reviewer"] or settings["kb_default_reviewer"]]))
    return essays, broken


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m essay_kb review",
                                     description="List the essays and help pages due for clinical review (make review).")
    parser.add_argument("--confdir", default=str(ROOT), help="the folder of conf.py")
    parser.add_argument("--docs", default=None, help="the source folder (default: docs/ beside conf.py)")
    parser.add_argument("--within", type=int, default=SOON_DAYS, help="days ahead to look (default: %(default)s)")
    args = parser.parse_args(argv)
    confdir = Path(args.confdir).resolve()
    try:
        settings = read_settings(confdir)
        day = today()
        essays, broken = collection(confdir, Path(args.docs) if args.docs else confdir / "docs", settings)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    interval = settings["kb_review_interval_days"]
    due = due_reviews(essays, interval, day, args.within)
    print(f"Clinical review as of {day.isoformat()}: each essay and help page is reviewed every {interval} days "
          f"(kb_review_interval_days); listed are those due within {args.within} days, and overdue.")
    for item in due:
        print(f"  {item.when():<20} {item.due}  {item.path}  \"{item.title}\" "
              f"(last reviewed {item.reviewed} by {item.role})")
    for path in broken:
        print(f"  could not read the dates of {path}: `make html` names the problem in its front matter")
    if due:
        print(f"{len(due)} page{'s' if len(due) != 1 else ''} to review. After a review, update 'reviewed:' "
              "(and 'reviewer:' when another role reviewed it).")
    else:
        print(f"Nothing is due for review in the next {args.within} days.")
    return 0


def setup(app) -> None:
    app.connect("config-inited", check_settings)
    app.connect("html-page-context", add_structured_data)
    app.add_node(kb_page_review)
    app.add_env_collector(HelpPageCollector)
    app.connect("builder-inited", init_env)
    app.connect("doctree-read", mark_help_page)

