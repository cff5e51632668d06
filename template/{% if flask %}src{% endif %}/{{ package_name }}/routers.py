"""The service's own blueprints, served under /api/v1.

The template renders this module once and never changes it on update (copier.yml
`_skip_if_exists`), so the app factory's lines stay the template's. Add a blueprint module
(items/routes.py is one) and list its blueprint here, for example:

    from .orders.routes import blueprint as orders_blueprint

    ROUTERS: list[APIBlueprint] = [orders_blueprint]
"""

from flask_openapi3.blueprint import APIBlueprint

ROUTERS: list[APIBlueprint] = []
