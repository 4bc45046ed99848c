"""``make gaps``: the questions clients ask that the site's own search does not answer yet.

The author keeps a question bank, ``docs/questions.yaml`` (its first lines say how): questions
clients ask, in their own words, each with what the author would hand over: an essay (its file name,
``anger``; a help page as ``help/hurting-yourself``), a section (``anger#its-section-id``), or
``none yet``. Each question goes through the site's own search exactly as a reader's browser runs it
by default: the browser's JavaScript (``search_js/``) in Node (``node/gaps.js``) over the built
site's index and files, by words, the meaning model not loaded (a reader's browser loads it only when
the reader asks). The report lists

- the questions whose answer is not among the first three results, with what the search put first:
  an essay counts when it is among the first three essays shown (in the order the panel first shows
  each, best sections first), a section when its link is among the first three links;
- the "none yet" questions (and those whose answer is still a draft): the content gaps;
- a count.

It is the author's tool, not a relevance test: the questions are the author's, no reader's search is
recorded anywhere, and nothing in the search is ever tuned on its output. Exit status 0 whatever it
finds; 1 for a question bank that does not parse or an answer that names a page or section the site
does not have (each with file:line and how to fix it); 2 when the site is not built or Node is missing.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .drafts import is_draft
from .source import decode, load_yaml, read_source

FIELDS = {"question": "the client's words", "answer": "an essay's file name, essay#section-id, or none yet"}
NONE_YET = "none yet"
TOP = 3
RUNNER = Path(__file__).parent / "node" / "gaps.js"
HOW_TO_ANSWER = ("an answer is an essay's file name without .md (anger), a help page as help/its-name, "
                 "a section as essay#section-id (the {#id} line above its heading), or none yet")


@dataclass
class Question:
    text: str
    line: int         # the line of its question: in the bank
    answer: str       # as written
    answer_line: int
    url: str = ""     # the page it names, as the index has it ("essays/anger/"); "" for none yet
    section: str = ""  # the section id it names; "" for the whole page
    draft: str = ""   # the draft's file, when the answer is an essay not yet published


@dataclass
class Link:
    url: str
    section: str
    title: str
    heading: str

    def shown(self) -> str:
        return f"{self.title} › {self.heading}"


@dataclass
class Result:
    question: Question
    links: list[Link]
    card: bool  # the help card shows above the results

    def essays(self) -> list[str]:
        """The pages shown, in the order the panel first shows each."""
        return list(dict.fromkeys(link.url for link in self.links))

    def found(self) -> bool:
        if self.question.section:
            return any((l.url, l.section) == (self.question.url, self.question.section) for l in self.links[:TOP])
        return self.question.url in self.essays()[:TOP]

    def where(self) -> str:
        """Where the answer came, as a sentence."""
        q = self.question
        if not self.links:
            return "The search found nothing: it says so and offers the themes."
        essays = self.essays()
        among = "the one page shown" if len(essays) == 1 else f"the {len(essays)} pages shown at first"
        if q.section:
            spots = [(l.url, l.section) for l in self.links]
            if (q.url, q.section) in spots:
                return f"Your section is link {spots.index((q.url, q.section)) + 1} of the {len(spots)} shown."
            if q.url in essays:
                return (f"Its page is the {ordinal(essays.index(q.url) + 1)} shown, but this section is not "
                        "among its links.")
            return f"Its page is not {among}."
        if q.url in essays:
            return f"Your page is the {ordinal(essays.index(q.url) + 1)} shown."
        return f"Your page is not {among}."


@dataclass
class Bank:
    questions: list[Question] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def read_bank(path: Path) -> Bank:
    """The questions in the bank, through the project's one bounded YAML loader; or what is wrong,
    each with its line."""
    bank = Bank()
    text, problem = read_source(path)
    if problem:
        bank.errors.append(problem)
        return bank
    data, problems = load_yaml(text)
    if problems:
        bank.errors += problems
        return bank
    if data is None:
        return bank
    if not isinstance(data, list):
        bank.errors.append((getattr(data, "line", 1), "this file is a list of questions, each starting with "
                            "'- question:' and its 'answer:' on the next line (see the file's first lines)"))
        return bank
    for item, line in zip(data, data.lines):
        if not isinstance(item, dict):
            bank.errors.append((line, "each entry is a question and its answer: '- question: ...' then "
                                      "'  answer: ...' on the next line"))
            continue
        bank.errors += [(again, f"'{key}' is given twice in this question (first on line {first}): keep one")
                        for key, first, again in item.duplicates]
        for key in item:
            if key not in FIELDS:
                near = difflib.get_close_matches(key, FIELDS, n=1)
                bank.errors.append((item.lines[key], f"'{key}' is not a field of a question" +
                                    (f" (did you mean '{near[0]}'?)" if near else "") +
                                    ": each question has " + " and ".join(f"'{k}:' ({why})" for k, why in FIELDS.items())))
        values = {}
        for key, why in FIELDS.items():
            value = item.get(key)
            if key not in item:
                fix = " (write 'answer: none yet' if the site has nothing for it yet)" if key == "answer" else ""
                bank.errors.append((item.line, f"this question has no '{key}:' ({why}){fix}"))
            elif not isinstance(value, str) or not value.strip():
                bank.errors.append((item.lines[key], f"'{key}:' must be text ({why}); put it in quotes if it "
                                                     "is a word YAML reads otherwise, such as no or yes"))
            else:
                values[key] = " ".join(value.split())
        if len(values) == len(FIELDS):
            bank.questions.append(Question(values["question"], item.lines["question"], values["answer"],
                                           item.lines["answer"]))
    return bank


def page_names(pages: list[dict]) -> dict[str, str]:
    """The name an answer gives each page (an essay's file name; other pages by their path) -> its
    address in the index."""
    return {url.strip("/").removeprefix("essays/"): url for url in (page["url"] for page in pages)}


def resolve(bank: Bank, pages: list[dict], docs: Path) -> None:
    """Each answer's page and section, checked against the built site; an answer naming what the
    site does not have is an error with its line and how to fix it."""
    names = page_names(pages)
    sections = {page["url"]: dict(page["sections"]) for page in pages}
    for q in bank.questions:
        if q.answer.lower() == NONE_YET:
            continue
        name, _, section = (part.strip() for part in q.answer.partition("#"))
        name = name.strip("/").removesuffix(".md").removeprefix("essays/")
        if name not in names:
            source = next((p for p in (docs / "essays" / f"{name}.md", docs / f"{name}.md") if p.is_file()), None)
            text = decode(source.read_bytes())[0] if source else None
            if text is not None and is_draft(text):
                q.draft = os.path.relpath(source)
                continue
            near = difflib.get_close_matches(name, names, n=1)
            bank.errors.append((q.answer_line, f"answer '{q.answer}': the site has no page '{name}'" +
                                (f" (did you mean '{near[0]}'?)" if near else "") + f"; {HOW_TO_ANSWER}"))
            continue
        q.url, q.section = names[name], section
        ids = [s for s in sections[q.url] if s]
        if section and section not in ids:
            near = difflib.get_close_matches(section, ids, n=1)
            listed = ", ".join(ids[:12]) + (", ..." if len(ids) > 12 else "")
            bank.errors.append((q.answer_line, f"answer '{q.answer}': '{name}' has no section '{section}'" +
                                (f" (did you mean '{near[0]}'?)" if near else "") +
                                f"; its sections are {listed or 'none'}. Copy the id from the {{#id}} line above "
                                "the heading, or give the essay alone"))


def search(site: Path, questions: list[Question]) -> tuple[list[dict], list[Result]]:
    """Every page in the site's index, and each question's results, from the site's own search."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node is needed to run the site's search outside a browser: install it "
                           "(Debian: apt-get install nodejs; .ci/run does), then run make gaps again.")
    result = subprocess.run([node, str(RUNNER), str(site)], input=json.dumps([q.text for q in questions]),
                            capture_output=True, text=True, encoding="utf-8")
    if result.returncode != 0:
        raise RuntimeError(f"the site's search could not run over {site}:\n{result.stderr.strip()}")
    out = json.loads(result.stdout)
    results = [Result(q, [Link(l["url"], l["section"], l["title"], l["heading"]) for l in answer["links"]], answer["card"])
               for q, answer in zip(questions, out["answers"])]
    return out["pages"], results


def handed_over(q: Question, pages: list[dict]) -> str:
    page = next(p for p in pages if p["url"] == q.url)
    heading = dict(page["sections"]).get(q.section) if q.section else None
    return page["title"] + (f" › {heading}" if heading else "")


def render(shown: str, site: str, results: list[Result], pages: list[dict]) -> str:
    missed = [r for r in results if r.question.url and not r.found()]
    gaps = [r for r in results if not r.question.url]
    found = len(results) - len(missed) - len(gaps)
    out = [f"make gaps: the {len(results)} questions in {shown}, each typed into the site's own search on",
           f"the built site ({site}) as a reader's browser runs it by default: by words, without the",
           "meaning model (a browser loads it only when the reader asks for it). These are your",
           "questions: no reader's search is recorded anywhere, and the search is never tuned on this.", ""]
    out.append(f"Answer not in the first {TOP} results ({len(missed)}):")
    for r in missed:
        q = r.question
        out += ["", f"  {shown}:{q.line}  \"{q.text}\"",
                f"    You would hand over:  {handed_over(q, pages)}",
                f"    The search shows first{' (under the help card)' if r.card else ''}:"]
        out += [f"      {i}. {link.shown()}" for i, link in enumerate(r.links[:TOP], 1)] or ["      nothing"]
        out.append(f"    {r.where()}")
    if not missed:
        out.append("  none")
    out += ["", f"Content gaps: questions with no answer yet ({len(gaps)}): write for these next"]
    for r in gaps:
        q = r.question
        out += ["", f"  {shown}:{q.line}  \"{q.text}\""]
        if q.draft:
            out.append(f"    Your answer is still a draft ({q.draft}): publish it and run make gaps again.")
        first = r.links[0].shown() if r.links else "nothing (it says so and offers the themes)"
        out.append(f"    A reader finds first{' (under the help card)' if r.card else ''}: {first}")
    if not gaps:
        out.append("  none")
    out += ["", f"{len(results)} questions: {found} answered in the first {TOP} results, "
                f"{len(missed)} not, {len(gaps)} with no answer on the site yet."]
    return "\n".join(out)


def main(argv=None) -> int:
    root = Path.cwd()
    parser = argparse.ArgumentParser(prog="python -m essay_kb gaps", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=root / "docs", help="the essays' folder (default: docs)")
    parser.add_argument("--questions", type=Path, default=None, help="the question bank (default: DOCS/questions.yaml)")
    parser.add_argument("--site", type=Path, default=root / "_build" / "html", help="the built site (default: _build/html)")
    args = parser.parse_args(argv)
    path = args.questions or args.docs / "questions.yaml"
    shown = os.path.relpath(path)

    def refuse(errors: list[tuple[int, str]]) -> int:
        for line, message in sorted(errors):
            print(f"{shown}:{line}: {message[:1].upper()}{message[1:].rstrip('.')}.", file=sys.stderr)
        print(f"make gaps: {len(errors)} problem{'s' if len(errors) != 1 else ''} in {shown}: fix "
              f"{'them' if len(errors) != 1 else 'it'}, then run make gaps again.", file=sys.stderr)
        return 1

    bank = read_bank(path)
    if bank.errors:
        return refuse(bank.errors)
    if not bank.questions:
        print(f"make gaps: {shown} holds no questions yet: add some (its first lines say how).")
        return 0
    if not (args.site / "search-index" / "index.json").is_file():
        print(f"make gaps: there is no built site in {os.path.relpath(args.site)}: run make html first "
              "(make gaps does).", file=sys.stderr)
        return 2
    try:
        pages, results = search(args.site, bank.questions)
    except RuntimeError as exc:
        print(f"make gaps: {exc}", file=sys.stderr)
        return 2
    resolve(bank, pages, args.docs)
    if bank.errors:
        return refuse(bank.errors)
    print(render(shown, os.path.relpath(args.site), results, pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
