"""Django's side of the login cache (login_cache.py): what it keeps (the login session, its
user attached) and what clears it (a change to the login sessions or users, on any
connection: the ORM's saves, bulk updates and deletes alike, and the admin's)."""

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from ..users.models import LoginSession, User
from .login_cache import LoginCache


class RecentLogins(LoginCache[LoginSession]):
    """(login session, user) -> the session with its user, for `ttl_seconds` after the check."""

    def user_id_of(self, found: LoginSession) -> uuid.UUID:
        return found.user_id


@functools.cache
def recent_logins() -> RecentLogins:
    """This worker's cache, for AUTH_CACHE_SECONDS."""
    return RecentLogins(settings.SERVICE.auth_cache_seconds)


@functools.cache
def _watched_tables() -> tuple[str, ...]:
    return (LoginSession._meta.db_table, User._meta.db_table)


def _forget_after_writes(
    execute: Callable[..., Any],
    sql: str,
    params: Any,
    many: bool,  # noqa: FBT001  (Django's signature)
    context: dict[str, Any],
) -> Any:
    """An execute_wrapper: a statement that changes a login session or a user clears the cache
    at once (this transaction's later reads) and again when it commits (what other threads
    read and remembered before the commit)."""
    result = execute(sql, params, many, context)
    if sql.startswith(("UPDATE", "DELETE")) and any(t in sql for t in _watched_tables()):
        recent_logins().clear()
        transaction.on_commit(recent_logins().clear, using=context["connection"].alias)
    return result


def forget_on_change(connection: BaseDatabaseWrapper, **_: object) -> None:
    """A connection_created receiver: every connection's statements pass the wrapper above."""
    if _forget_after_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_forget_after_writes)
