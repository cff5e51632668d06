"""The client's address behind trusted reverse proxies, for gunicorn.

gunicorn trusts FORWARDED_ALLOW_IPS for the scheme (X-Forwarded-Proto) only: REMOTE_ADDR
stays the proxy's address, and with it the logs and the per-client rate limit. This WSGI
middleware does for the address what uvicorn's ProxyHeadersMiddleware does: when the peer
is a trusted proxy, the client is the right-most X-Forwarded-For hop that is not itself a
trusted proxy. A header from anyone else is ignored, so a client cannot choose its address.
"""

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment


class TrustedProxies:
    def __init__(self, app: WSGIApplication, trusted: str) -> None:
        """`trusted`: FORWARDED_ALLOW_IPS, comma-separated addresses and networks, or "*"."""
        self.app = app
        entries = [entry.strip() for entry in trusted.split(",") if entry.strip()]
        self.trust_all = "*" in entries
        self.networks: list[IPv4Network | IPv6Network] = [
            ip_network(entry, strict=False) for entry in entries if entry != "*"
        ]

    def is_trusted(self, address: str) -> bool:
        if self.trust_all:
            return True
        try:
            parsed = ip_address(address.strip())
        except ValueError:  # a hostname or garbage: never a trusted proxy
            return False
        return any(parsed in network for network in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if not hops or not self.is_trusted(peer):
            return peer
        for hop in reversed(hops):
            if not self.is_trusted(hop):
                return hop
        return hops[0]  # every hop is a trusted proxy: the first is the closest to the client

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        peer = environ.get("REMOTE_ADDR", "")
        forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "")
        if peer and forwarded_for:
            environ["REMOTE_ADDR"] = self.client(peer, forwarded_for)
        return self.app(environ, start_response)
