"""The Content-Security-Policy header of a policy (csp.py), and of a page's own policy:
the policy plus the hashes of the page's inline scripts and styles.
"""

import base64
import hashlib
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser

# <script> types a browser runs; other types (application/json, ...) are data.
_SCRIPT_TYPES = frozenset({"", "text/javascript", "module"})


class _InlineCode(HTMLParser):
    """Collects the text of a page's inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: dict[str, list[str]] = {"script-src": [], "style-src": []}
        self._directive: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        script_type = (attributes.get("type") or "").strip().lower()
        if tag == "script" and "src" not in attributes and script_type in _SCRIPT_TYPES:
            self._directive = "script-src"
        elif tag == "style":
            self._directive = "style-src"
        self._text = []

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._directive is not None and tag in {"script", "style"}:
            self.blocks[self._directive].append("".join(self._text))
        self._directive = None


def _hash_source(code: str) -> str:
    digest = hashlib.sha256(code.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def for_page(policy: Mapping[str, Sequence[str]], page: str) -> dict[str, list[str]]:
    """`policy`, plus the hash of each inline script and style of `page`: its own inline
    code runs, no other does. Only for a page built from configuration, never from request
    data: whatever inline code the page holds is allowed."""
    parser = _InlineCode()
    parser.feed(page)
    parser.close()
    allowed = {directive: list(sources) for directive, sources in policy.items()}
    for directive, blocks in parser.blocks.items():
        if blocks:
            hashes = [_hash_source(block) for block in dict.fromkeys(blocks)]
            allowed[directive] = allowed.get(directive, []) + hashes
    return allowed


def header_value(policy: Mapping[str, Sequence[str]]) -> str:
    """The Content-Security-Policy header that sends `policy`."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())
