"""Email verification: a single-use link mailed at registration proves the address."""
