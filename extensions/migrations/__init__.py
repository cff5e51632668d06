"""One migration script per template release that needs one (see copier.yml `_migrations`).

Each script is run by copier's own interpreter during `copier update`, in the project's
directory, with the answers file's path as its argument. Each is self-contained (standard
library only), idempotent, and unit-tested in tests/test_migrations.py.
"""
