"""Password hashing with argon2id (pwdlib), including upgrades of outdated hashes."""

from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

# argon2-cffi's defaults (RFC 9106 "low memory": t=3, m=64 MiB, p=4) exceed OWASP's
# minimum for argon2id (t=2, m=19 MiB, p=1).
password_hash = PasswordHash((Argon2Hasher(),))


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
