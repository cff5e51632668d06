"""API keys: shown once at creation, stored as their SHA-256 only, revocable."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

NAME_MAX_LENGTH = 100
PREFIX_LENGTH = 8  # shown in listings so a person can tell keys apart
KEY_HASH_LENGTH = 64  # hex SHA-256


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    prefix: Mapped[str] = mapped_column(String(16))
    # A fast hash is enough: keys carry 256 random bits, so there is nothing to brute-force.
    key_hash: Mapped[str] = mapped_column(String(KEY_HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
