"""Where tagged releases push the service's image: the organisation's registry when the
`container_registry` answer names one, otherwise the CI provider's own registry."""

from __future__ import annotations

from typing import Any

# Host to log in to, and the repository as a shell expression in the CI job.
PROVIDER_REGISTRIES = {
    "github": ("ghcr.io", "ghcr.io/${GITHUB_REPOSITORY,,}"),
    "gitlab": ("$CI_REGISTRY", "$CI_REGISTRY_IMAGE"),
}


def release_image(prefix: str, ci: str, slug: str) -> dict[str, Any]:
    """The release image's registry host and repository, and whether the registry is the
    organisation's own (pushed with REGISTRY_USERNAME / REGISTRY_PASSWORD)."""
    if prefix:
        return {
            "image_registry": prefix.split("/", 1)[0],
            "image_repository": f"{prefix}/{slug}",
            "image_registry_is_own": True,
        }
    host, repository = PROVIDER_REGISTRIES.get(ci, ("", ""))
    return {"image_registry": host, "image_repository": repository, "image_registry_is_own": False}
