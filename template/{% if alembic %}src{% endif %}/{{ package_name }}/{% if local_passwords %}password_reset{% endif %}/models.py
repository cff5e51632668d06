"""Reset tokens: the SHA-256 of each mailed token, its account, expiry and use."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from .tokens import TOKEN_HASH_LENGTH


class PasswordResetToken(Base):
    __tablename__ = "password_reset_tokens"

    # The hash, never the token: a leaked table resets no password.
    id: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set by the one confirmation that spends the token; a used token never works again.
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
