"""Template v0.2.0: the owner questions are named for what they hold.

`author_name` / `author_email` became `team_name` / `team_email`: a service generated from
this template is owned by a team, and the organisation-wide defaults (presets, copier's user
settings) set the team beside the organisation. Run before copier reads the old answers, so
an updated project keeps its recorded values under the new names (no question is asked
again, `--skip-answered` or not).

Usage: python v0_2_0.py [ANSWERS_FILE]   (default .copier-answers.yml, in the working directory)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RENAMED = {"author_name": "team_name", "author_email": "team_email"}

_KEY = re.compile(r"^([A-Za-z_][\w-]*):(\s|$)")


def _entries(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Split the answers file into top-level entries: (key, its lines incl. continuations)."""
    entries: list[tuple[str | None, list[str]]] = []
    for line in lines:
        match = _KEY.match(line)
        if match:
            entries.append((match.group(1), [line]))
        elif entries and line[:1] in {" ", "\t", "-"} and entries[-1][0] is not None:
            entries[-1][1].append(line)  # a continuation of the previous value
        else:
            entries.append((None, [line]))  # comments, document markers, blank lines
    return entries


def rename_answers(text: str, renamed: dict[str, str]) -> str:
    """Rename top-level keys; a key whose new name is already present is dropped (idempotent)."""
    entries = _entries(text.splitlines(keepends=True))
    present = {key for key, _ in entries}
    out: list[str] = []
    for key, lines in entries:
        if key in renamed:
            new = renamed[key]
            if new in present:
                continue
            out.append(new + lines[0][len(key) :])
            out.extend(lines[1:])
        else:
            out.extend(lines)
    return "".join(out)


def migrate(answers_file: Path) -> bool:
    """Rewrite the answers file in place; return whether anything changed."""
    if not answers_file.is_file():
        return False
    text = answers_file.read_text(encoding="utf-8")
    new = rename_answers(text, RENAMED)
    if new == text:
        return False
    answers_file.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    answers_file = Path(argv[1] if len(argv) > 1 else ".copier-answers.yml")
    if migrate(answers_file):
        print(f"v0.2.0 migration: renamed {', '.join(RENAMED)} in {answers_file}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
