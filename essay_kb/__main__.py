"""``python -m essay_kb <command>``: the extension's command-line tools.

    python -m essay_kb check             spelling, reading level, reviews due and links (make check)
    python -m essay_kb review            the essays due for clinical review (make review)
    python -m essay_kb schema --markdown the author's guide's front-matter field table
    python -m essay_kb problems FILE      a failed build's problems, one per line (make html)
    python -m essay_kb gaps              the author's questions the search does not answer (make gaps)
    python -m essay_kb risk [FILE]       the risk vocabulary, checked and compiled, as JSON (the tests')
    python -m essay_kb serve ...         the live preview, its build kept in memory (make serve)

(Run through the package: ``python -m essay_kb.schema`` would import the module twice, once
through essay_kb's own imports.)
"""

from __future__ import annotations

import sys

from . import check, gaps, problems, review, risk, schema, serve

COMMANDS = {"check": check.main, "problems": problems.main, "review": review.main, "schema": schema.main, "gaps": gaps.main,
            "risk": risk.main, "serve": serve.main}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
