"""Django's admin site, under a Content-Security-Policy of its own.

The service's policy lets a response load nothing, which suits JSON; the admin's pages load
the admin's scripts, styles and icons from this service's static files, and run the inline
code Django marks with the request's nonce. Nothing from another host, no framing.
"""

from collections.abc import Callable
from typing import Any, override

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override

ADMIN_POLICY = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF],
    # The lookups of autocomplete widgets (ModelAdmin.autocomplete_fields).
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
with_admin_policy = csp_override(ADMIN_POLICY)


class ServiceAdminSite(admin.AdminSite):
    """The default admin site, each of whose pages sends ADMIN_POLICY."""

    @override
    def admin_view[View: Callable[..., HttpResponseBase]](
        self, view: View, cacheable: bool = False
    ) -> View:
        # Every admin page but the login form passes here, the ModelAdmins' pages too.
        return with_admin_policy(super().admin_view(view, cacheable))

    @override
    @method_decorator(with_admin_policy)
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().login(request, extra_context)


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin, with ServiceAdminSite as `admin.site`."""

    default_site = f"{__name__}.ServiceAdminSite"
