"""The tables of mailed single-use tokens (reset and verification links): their columns,
and the statements that find a token's account and spend it, shared by FastAPI's async
and Flask's sync services."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Select, String, Update, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..users.models import User
from .mailed_tokens import TOKEN_HASH_LENGTH


class MailedToken:
    """The columns of a token table: the SHA-256 of each mailed token, its account, expiry
    and use."""

    # The hash, never the token: a leaked table is worth nothing.
    id: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set by the one use that spends the token; a used token never works again.
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def token_owner(table: type[MailedToken], digest: str, moment: datetime) -> Select[User]:
    """The active account of an unused, unexpired token."""
    return (
        select(User)
        .join(table, table.user_id == User.id)
        .where(
            table.id == digest,
            table.used_at.is_(None),
            table.expires_at > moment,
            User.is_active.is_(True),
        )
    )


def spend(table: type[MailedToken], digest: str, moment: datetime) -> Update:
    """Mark the token used unless it already is: of two concurrent uses, one changes a row."""
    return update(table).where(table.id == digest, table.used_at.is_(None)).values(used_at=moment)


def spend_all(table: type[MailedToken], user_id: uuid.UUID, moment: datetime) -> Update:
    """Every other unused token of the account stops working too."""
    return (
        update(table)
        .where(table.user_id == user_id, table.used_at.is_(None))
        .values(used_at=moment)
    )
