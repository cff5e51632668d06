"""The stand-in OpenID Connect provider of the generated projects' tests, loaded from the
template itself so that the slow tests use the very same provider: discovery and JWKS over
HTTP, pointed at by a rendered ``oidc`` project's production server (``OIDC_ISSUER``), which
fetches its keys exactly as it would from Keycloak or Entra ID.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import ModuleType

SOURCE = (
    Path(__file__).parent.parent
    / "template"
    / "{% if auth_oidc %}tests{% endif %}"
    / "identity_provider.py"
)


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("template_identity_provider", SOURCE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_shared = _load()
AUDIENCE: str = _shared.AUDIENCE


class IdentityProvider(_shared.IdentityProvider):  # type: ignore[misc]  (loaded at run time)
    # A fuzzing run can take longer than the generated tests' five minutes.
    lifetime = timedelta(hours=1)

    @property
    def settings(self) -> dict[str, str]:
        """The service's environment variables that make it trust this provider."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_AUDIENCE": AUDIENCE}


@contextmanager
def identity_provider() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()
