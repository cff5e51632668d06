"""Email verification: a link mailed to a new account, spent once to verify its address."""

import structlog
from sqlalchemy.orm import Session

from ..auth import mailed_token_rows as rows
from ..auth import mailed_tokens
from ..config import Settings
from ..mail import outbox
from ..users import service as users  # a module: users.service imports this one too
from ..users.models import User
from . import tokens
from .models import EmailVerificationToken

logger = structlog.get_logger(__name__)


def send_link(session: Session, settings: Settings, user: User) -> None:
    """Add a token for ``user`` and hand its mail to the outbox; the caller commits, so a
    mail that cannot be handed over (an exception) keeps nothing."""
    token = mailed_tokens.new_token()
    session.add(
        EmailVerificationToken(
            id=mailed_tokens.token_hash(token),
            user_id=user.id,
            expires_at=tokens.expires_at(settings),
        )
    )
    session.flush()
    outbox.deliver(settings, tokens.verification_mail(settings, user.email, token))


def resend(session: Session, settings: Settings, email: str) -> None:
    """Mail a new link if the address has an active account not verified yet; the caller
    cannot tell."""
    # First, for every address alike: a 503 (the job queue's broker down) tells nothing.
    outbox.check_ready()
    user = users.get_user_by_email(session, email)
    if user is None or not user.is_active or user.email_verified_at is not None:
        logger.info("auth.verification_resend_requested", outcome="nothing_to_verify")
        return
    send_link(session, settings, user)
    session.commit()
    logger.info("auth.verification_resend_requested", outcome="mailed", user_id=str(user.id))


def verify(session: Session, token: str) -> None:
    """Spend the token: its account's address is verified (from now, if not already)."""
    digest, moment = mailed_tokens.token_hash(token), mailed_tokens.now()
    user = session.scalar(rows.token_owner(EmailVerificationToken, digest, moment))
    if user is None:
        logger.info("auth.email_verification_refused")
        raise tokens.VerificationTokenError(tokens.INVALID_TOKEN)
    spent = session.execute(rows.spend(EmailVerificationToken, digest, moment))
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        logger.info("auth.email_verification_refused", reason="spent_concurrently")
        raise tokens.VerificationTokenError(tokens.INVALID_TOKEN)
    session.execute(rows.spend_all(EmailVerificationToken, user.id, moment))
    if user.email_verified_at is None:
        user.email_verified_at = moment
    session.commit()
    logger.info("auth.email_verified", user_id=str(user.id))
