"""Password reset: a link mailed to an account, spent once on a new password."""

import structlog
from sqlalchemy.orm import Session

from ..auth import mailed_token_rows as rows
from ..auth import mailed_tokens
from ..config import Settings
from ..mail import outbox
from ..users.service import get_user_by_email, set_password
from . import queries, tokens
from .models import PasswordResetToken

logger = structlog.get_logger(__name__)


def request_reset(session: Session, settings: Settings, email: str) -> None:
    """Mail a reset link if the address has an active account; the caller cannot tell.

    The mail is handed over before the token's row commits: an outbox that cannot take it
    (the job queue's broker down) is a 503 and the row rolls back. Whether it can is checked
    first, for every address alike, so a 503 says nothing of the account either.
    """
    outbox.check_ready()
    user = get_user_by_email(session, email)
    if user is None or not user.is_active:
        logger.info("auth.password_reset_requested", outcome="no_account")
        return
    token = mailed_tokens.new_token()
    row = PasswordResetToken(
        id=mailed_tokens.token_hash(token), user_id=user.id, expires_at=tokens.expires_at(settings)
    )
    session.add(row)
    session.flush()
    # Raises before the commit; the request's teardown then rolls the row back.
    outbox.deliver(settings, tokens.reset_mail(settings, user.email, token))
    session.commit()
    logger.info("auth.password_reset_requested", outcome="mailed", user_id=str(user.id))


def confirm_reset(session: Session, token: str, new_password: str) -> None:
    """Spend the token on a new password (policy checked); every session of the account ends."""
    digest, moment = mailed_tokens.token_hash(token), mailed_tokens.now()
    user = session.scalar(rows.token_owner(PasswordResetToken, digest, moment))
    if user is None:
        logger.info("auth.password_reset_refused")
        raise tokens.ResetTokenError(tokens.INVALID_TOKEN)
    set_password(user, new_password)  # a 422 for a weak one, before the token is spent
    spent = session.execute(rows.spend(PasswordResetToken, digest, moment))
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        logger.info("auth.password_reset_refused", reason="spent_concurrently")
        raise tokens.ResetTokenError(tokens.INVALID_TOKEN)
    session.execute(rows.spend_all(PasswordResetToken, user.id, moment))
    session.execute(queries.end_sessions(user.id, moment))
    session.commit()
    logger.info("auth.password_reset", user_id=str(user.id))
