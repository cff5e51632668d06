"""Server-side sessions: the cookie holds a random id, the table holds its SHA-256."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

SESSION_ID_HASH_LENGTH = 64  # hex SHA-256


class WebSession(Base):
    __tablename__ = "web_sessions"

    # The hash, not the cookie value: a leaked table cannot be replayed as cookies.
    id: Mapped[str] = mapped_column(String(SESSION_ID_HASH_LENGTH), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Idle timeout counts from here; refreshed at most once a minute, not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Absolute end of the session, whatever the activity.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
