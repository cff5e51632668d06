"""HTTP routes of the auth API: log in and refresh."""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

from . import service
from .schemas import LoginRequest, RefreshRequest, TokenPair

router = Router(tags=["auth"])
# The 401 body is problem+json, described in the README; Ninja documents it without a schema.
_RESPONSES = {HTTPStatus.OK: TokenPair, HTTPStatus.UNAUTHORIZED: None}


@router.post("/login", response=_RESPONSES)
def login(request: HttpRequest, data: LoginRequest) -> TokenPair:
    """Exchange email and password for an access token and a refresh token."""
    user = service.authenticate(data.email, data.password)
    return service.issue_pair(settings.SERVICE, user)


@router.post("/refresh", response=_RESPONSES)
def refresh(request: HttpRequest, data: RefreshRequest) -> TokenPair:
    """Exchange a refresh token for a new token pair."""
    return service.refresh(settings.SERVICE, data.refresh_token)
