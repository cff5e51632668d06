"""Passwords: the policy new passwords must meet, and argon2id hashing (pwdlib).

Policy (OWASP ASVS 5.0, 6.2): at least 12 characters, at most 128 (argon2 hashes every
character, so nothing is truncated; the cap only bounds the hashing work), not one of the
20 000 most common passwords, not the account's own email address, and no composition
rules.
"""

import gzip
from functools import cache
from pathlib import Path

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from ..exceptions import InvalidInputError
from ..messages import WEAK_CREDENTIAL
from ..problems import FieldError
from .password_policy import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

# Django's list (BSD licence): Royce Williams' 20 000 most common passwords, lower-cased.
_COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


def production_hasher() -> PasswordHash:
    """argon2-cffi's defaults (RFC 9106 "low memory": t=3, m=64 MiB, p=4) exceed OWASP's
    minimum for argon2id (t=2, m=19 MiB, p=1)."""
    return PasswordHash((Argon2Hasher(),))


# Module state so tests can swap in cheap parameters; the service never changes it.
password_hash = production_hasher()


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def password_problems(password: str, email: str | None = None) -> list[str]:
    """What is wrong with a new password, in words a person can act on; [] when it is fine.

    The messages never quote the password.
    """
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(f"The password must have at least {PASSWORD_MIN_LENGTH} characters.")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append(f"The password must have at most {PASSWORD_MAX_LENGTH} characters.")
    if password.strip().lower() in _common_passwords():
        problems.append("The password is too common; choose one that is hard to guess.")
    if email and _resembles(password, email):
        problems.append("The password is too close to the email address.")
    return problems


def check_password_policy(password: str, email: str, *, field: str) -> None:
    """Raise a 422 naming ``field`` and every rule the password breaks (never quoting it)."""
    if problems := password_problems(password, email):
        errors = [
            FieldError(loc=["body", field], message=text, type="password_policy")
            for text in problems
        ]
        raise InvalidInputError(WEAK_CREDENTIAL, errors)


def _resembles(password: str, email: str) -> bool:
    folded = password.strip().lower()
    address = email.strip().lower()
    return folded in {address, address.partition("@")[0]}


def hash_password(password: str) -> str:
    return password_hash.hash(password)


def verify_password(password: str, hashed: str) -> tuple[bool, str | None]:
    """Check a password; the second item is a new hash when the stored one is outdated."""
    return password_hash.verify_and_update(password, hashed)


@cache
def _dummy_hash() -> str:
    return password_hash.hash("dummy password for unknown accounts")


def burn_verification_time(password: str) -> None:
    """Spend a real verification on unknown accounts, so timing does not reveal them."""
    password_hash.verify(password, _dummy_hash())
