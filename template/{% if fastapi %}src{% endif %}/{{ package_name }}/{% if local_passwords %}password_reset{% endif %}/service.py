"""Password reset: a link mailed to an account, spent once on a new password."""

import structlog
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import mailed_token_rows as rows
from ..auth import mailed_tokens
from ..auth.passwords import check_password_policy, hash_password
from ..config import Settings
from ..mail import outbox
from ..users.service import get_user_by_email
from . import queries, tokens
from .models import PasswordResetToken

logger = structlog.get_logger(__name__)


async def request_reset(session: AsyncSession, settings: Settings, email: str) -> None:
    """Mail a reset link if the address has an active account; the caller cannot tell.

    The mail is handed over before the token's row commits: an outbox that cannot take it
    (the job queue's broker down) is a 503 and the row rolls back. Whether it can is checked
    first, for every address alike, so a 503 says nothing of the account either.
    """
    await run_in_threadpool(outbox.check_ready)
    user = await get_user_by_email(session, email)
    if user is None or not user.is_active:
        logger.info("auth.password_reset_requested", outcome="no_account")
        return
    token = mailed_tokens.new_token()
    row = PasswordResetToken(
        id=mailed_tokens.token_hash(token), user_id=user.id, expires_at=tokens.expires_at(settings)
    )
    session.add(row)
    await session.flush()
    mail = tokens.reset_mail(settings, user.email, token)
    # Raises before the commit; closing the request's session then rolls the row back.
    await run_in_threadpool(outbox.deliver, settings, mail)
    await session.commit()
    logger.info("auth.password_reset_requested", outcome="mailed", user_id=str(user.id))


async def confirm_reset(session: AsyncSession, token: str, new_password: str) -> None:
    """Spend the token on a new password (policy checked); every session of the account ends."""
    digest, moment = mailed_tokens.token_hash(token), mailed_tokens.now()
    user = await session.scalar(rows.token_owner(PasswordResetToken, digest, moment))
    if user is None:
        logger.info("auth.password_reset_refused")
        raise tokens.ResetTokenError(tokens.INVALID_TOKEN)
    check_password_policy(new_password, user.email, field="new_password")
    spent = await session.execute(rows.spend(PasswordResetToken, digest, moment))
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        logger.info("auth.password_reset_refused", reason="spent_concurrently")
        raise tokens.ResetTokenError(tokens.INVALID_TOKEN)
    user.password_hash = hash_password(new_password)
    await session.execute(rows.spend_all(PasswordResetToken, user.id, moment))
    await session.execute(queries.end_sessions(user.id, moment))
    await session.commit()
    logger.info("auth.password_reset", user_id=str(user.id))
