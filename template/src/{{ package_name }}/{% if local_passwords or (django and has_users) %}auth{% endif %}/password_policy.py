"""The password policy's limits and its words (OWASP ASVS 5.0, 6.2), the same in every
framework: passwords.py applies them."""

PASSWORD_MIN_LENGTH = 12
# argon2 hashes any length without truncation; the cap only bounds the hashing work.
PASSWORD_MAX_LENGTH = 128

# The policy in words, for the OpenAPI document: JSON Schema can say the lengths, not the rest.
PASSWORD_POLICY = (
    f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, not one of the 20 000 most "
    "common passwords and not the account's email address (nor the part before the @). "
    "No composition rules: a long passphrase is best. Any other password is refused with 422."
)
