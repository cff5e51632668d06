"""The service's own Ninja routers, served under /api/v1.

The template renders this module once and never changes it on update (copier.yml
`_skip_if_exists`), so api.py's lines stay the template's. Add a router module
(items/routes.py is one) and map its path under /api/v1 to it here, for example:

    from .orders.routes import router as orders_router

    ROUTERS: dict[str, Router] = {"/orders": orders_router}
"""

from ninja import Router

ROUTERS: dict[str, Router] = {}
