"""Password reset: a single-use link by mail, then a new password; every session ends."""
