"""The detail texts of the errors every framework answers alike (the service's HTTP
contract): a client can rely on them whichever framework serves it."""

INVALID_REQUEST = "The request is not valid."
INVALID_JSON = "The request body is not valid JSON."
EXPECTED_JSON = "Expected application/json."
CSRF_FAILED = "The X-CSRF-Token header is missing or wrong."
HEADER_TOO_LARGE = "A request header is too large."
WEAK_CREDENTIAL = "The password does not meet the password policy."


def missing_permission(permission: str) -> str:
    """The 403 of a valid token that does not grant what the operation needs."""
    return f"The token does not grant the {permission!r} permission."
