"""Sessions, users and messages for the admin's pages, not for the API.

The API authenticates each request by its token or key and never reads a session, a
`request.user` or a message; Django's three middleware still prepared all of them for every
request (about 40 µs of CPU each time). These subclasses hand the API's requests straight
on and serve every other path (the admin, pages you add) as Django's own do; being
subclasses, they satisfy the admin's system checks.
"""

from collections.abc import Awaitable

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponseBase

API_PATHS = ("/api/", "/health/")
# What Django's middleware classes answer (they serve sync and async stacks alike).
type Answer = HttpResponseBase | Awaitable[HttpResponseBase]


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PATHS)


class AdminSessionMiddleware(SessionMiddleware):
    def __call__(self, request: HttpRequest) -> Answer:
        return self.get_response(request) if is_api(request) else super().__call__(request)


class AdminAuthenticationMiddleware(AuthenticationMiddleware):
    def __call__(self, request: HttpRequest) -> Answer:
        return self.get_response(request) if is_api(request) else super().__call__(request)


class AdminMessageMiddleware(MessageMiddleware):
    def __call__(self, request: HttpRequest) -> Answer:
        return self.get_response(request) if is_api(request) else super().__call__(request)
