"""Email verification: a link mailed to a new account, spent once to verify its address."""

import structlog
from django.db import transaction

from ..auth import mailed_tokens
from ..config import Settings
from ..mail import outbox
from ..users import service as users  # a module: users.service imports this one too
from ..users.models import EmailVerificationToken, User
from . import tokens

logger = structlog.get_logger(__name__)


def send_link(settings: Settings, user: User) -> None:
    """Add a token for ``user`` and hand its mail to the outbox; called inside the caller's
    transaction, so a mail that cannot be handed over (an exception) keeps nothing."""
    token = mailed_tokens.new_token()
    EmailVerificationToken.objects.create(
        id=mailed_tokens.token_hash(token), user=user, expires_at=tokens.expires_at(settings)
    )
    outbox.deliver(settings, tokens.verification_mail(settings, user.email, token))


def resend(settings: Settings, email: str) -> None:
    """Mail a new link if the address has an active account not verified yet; the caller
    cannot tell."""
    # First, for every address alike: a 503 (the job queue's broker down) tells nothing.
    outbox.check_ready()
    user = users.get_user_by_email(email)
    if user is None or not user.is_active or user.email_verified_at is not None:
        logger.info("auth.verification_resend_requested", outcome="nothing_to_verify")
        return
    with transaction.atomic():
        send_link(settings, user)
    logger.info("auth.verification_resend_requested", outcome="mailed", user_id=str(user.id))


def verify(token: str) -> None:
    """Spend the token: its account's address is verified (from now, if not already)."""
    digest, moment = mailed_tokens.token_hash(token), mailed_tokens.now()
    row = (
        EmailVerificationToken.objects.select_related("user")
        .filter(pk=digest, used_at__isnull=True, expires_at__gt=moment, user__is_active=True)
        .first()
    )
    if row is None:
        logger.info("auth.email_verification_refused")
        raise tokens.VerificationTokenError(tokens.INVALID_TOKEN)
    user = row.user
    with transaction.atomic():
        # Of two concurrent uses of one token, one changes the row; the other is refused.
        unused = EmailVerificationToken.objects.filter(user=user, used_at__isnull=True)
        if not unused.filter(pk=digest).update(used_at=moment):
            logger.info("auth.email_verification_refused", reason="spent_concurrently")
            raise tokens.VerificationTokenError(tokens.INVALID_TOKEN)
        unused.update(used_at=moment)  # the account's other links too
        User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
            email_verified_at=moment
        )
    logger.info("auth.email_verified", user_id=str(user.id))
