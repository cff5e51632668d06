"""Last step before an update reads the answers: stop it if it would drop one.

Copier drops a recorded answer whose question the new release no longer asks, and asks the
question under its new name with the default instead, silently (exit code 0). Each release
that renames or removes a question ships a migration that carries or removes the answer;
this check runs after all of them and stops the update, before any file of the project is
written, if an answer is still left over: a missing migration is then a failed update with
a message, never a quietly lost answer.

Usage: python check_answers.py ANSWERS_FILE COPIER_YML   (copier runs it; see copier.yml)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# A top-level key: `name:` at the start of a line (answers files and copier.yml alike).
_KEY = re.compile(r"^([A-Za-z_][\w-]*):(\s|$)", re.MULTILINE)


def top_level_keys(text: str) -> set[str]:
    return {match.group(1) for match in _KEY.finditer(text)}


def left_over(answers: str, config: str) -> list[str]:
    """Recorded answers (private `_` keys aside) to questions the template does not ask."""
    questions = {key for key in top_level_keys(config) if not key.startswith("_")}
    recorded = {key for key in top_level_keys(answers) if not key.startswith("_")}
    return sorted(recorded - questions)


def main(argv: list[str]) -> int:
    answers_file, config_file = Path(argv[1]), Path(argv[2])
    if not answers_file.is_file():
        return 0
    stale = left_over(answers_file.read_text(encoding="utf-8"), config_file.read_text("utf-8"))
    if not stale:
        return 0
    print(
        f"copier update stopped: {answers_file} records answers to questions this template "
        f"release no longer asks ({', '.join(stale)}); the update would drop them and use "
        "the defaults of the questions that replace them. The release lacks a migration for "
        "them: tell the template's maintainers (extensions/migrations/). Nothing was written; "
        f"`git checkout -- {answers_file}` undoes what earlier migrations changed.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
