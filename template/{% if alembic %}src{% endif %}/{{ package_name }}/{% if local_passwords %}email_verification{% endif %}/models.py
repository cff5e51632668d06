"""Verification tokens: the SHA-256 of each mailed token, its account, expiry and use."""

from ..auth.mailed_token_rows import MailedToken
from ..db import Base


class EmailVerificationToken(MailedToken, Base):
    __tablename__ = "email_verification_tokens"
