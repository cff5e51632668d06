"""The Host header check (ALLOWED_HOSTS), with Django's rules so one setting means the same
in every framework.

A request naming another host gets 400: whatever the service builds from the Host header (a
link, a redirect) can then only name the service itself, never a host a client made up.
"""

import re
from collections.abc import Iterable

# A name or IPv4 address, or a bracketed IPv6 address; then an optional port.
_HOST = re.compile(r"([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::[0-9]{1,5})?")


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Whether a Host header names an allowed host, its port ignored: "*" allows any,
    ".example.com" the domain and its subdomains, any other entry that exact name."""
    match = _HOST.fullmatch(host.lower())
    if match is None:
        return False
    name = match.group(1).removesuffix(".")
    for pattern in (entry.lower() for entry in allowed):
        if pattern in {"*", name}:
            return True
        if pattern.startswith(".") and (name.endswith(pattern) or name == pattern[1:]):
            return True
    return False
