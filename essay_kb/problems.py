"""The short summary a failed build ends with (``make html``): how many problems, then each on one
line, with its file:line and the fix, after Sphinx's own output.

``python -m essay_kb problems FILE`` reads the warnings file Sphinx wrote (``sphinx-build -w FILE``).
A warning that runs over several lines is joined into one; absolute paths are shown from the
current folder, as an author types them.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

START = re.compile(r"^(?P<where>\S.*?):(?: (?P<line>\d+):)? (?P<kind>WARNING|ERROR|CRITICAL): (?P<message>.*)$")
NO_LOCATION = re.compile(r"^(?P<kind>WARNING|ERROR|CRITICAL): (?P<message>.*)$")


def read_problems(text: str) -> list[str]:
    """One line per problem: 'path:line: message'."""
    problems: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line:
            continue
        match = START.match(line)
        if match:
            where = match["where"]
            if os.path.isabs(where.split(":")[0]):
                where = os.path.relpath(where)
            where += f":{match['line']}" if match["line"] else ""
            problems.append(f"{where}: {match['message']}")
        elif NO_LOCATION.match(line):
            problems.append(NO_LOCATION.match(line)["message"])
        elif problems:
            problems[-1] += " " + line.strip()
        else:
            problems.append(line.strip())
    return problems


def summary(problems: list[str], site: str) -> str:
    count = len(problems)
    if not count:
        return f"The build failed before it could list its problems; see the messages above. Nothing was published: there is no site in {site}."
    head = f"The build found {count} problem{'s' if count != 1 else ''}, so nothing was published (there is no site in {site}):"
    return "\n".join([head, *(f"  {number}. {problem}" for number, problem in enumerate(problems, start=1)),
                      "Fix each one (the message says how), then run make html again."])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m essay_kb problems", description=__doc__.split("\n\n")[0])
    parser.add_argument("warnings_file", type=Path)
    parser.add_argument("--site", default="_build/html")
    args = parser.parse_args(argv)
    try:
        text = args.warnings_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    print(summary(read_problems(text), args.site))
    return 0
