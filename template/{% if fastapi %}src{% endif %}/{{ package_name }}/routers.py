"""The service's own routers, served under /api/v1.

The template renders this module once and never changes it on update (copier.yml
`_skip_if_exists`), so the app factory's lines stay the template's. Add a router module
(items/routes.py is one) and list its router here, for example:

    from .orders.routes import router as orders_router

    ROUTERS: list[APIRouter] = [orders_router]
"""

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
