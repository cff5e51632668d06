"""The service's own tables: import each of your domain packages' models module here.

models.py imports this module, so the app, Alembic's autogenerate and `alembic check` see
your tables beside the template's. The template renders this module once and never changes
it on update (copier.yml `_skip_if_exists`). For example, with an `orders` package:

    from .orders import models as order_models

    __all__ = ["order_models"]
"""
