"""The service's own settings, kept apart from the template's so that updates merge cleanly.

`Settings` (config.py) inherits this class: a field added here is read from the environment
(its name upper-cased) and checked at start-up like the template's, and is `settings.<name>`
wherever settings are used. The template renders this module once and never changes it on
update (copier.yml `_skip_if_exists`). Add each field with a default that works in
development, a comment that says what it is for, and a line in .env.example.
"""

from pydantic_settings import BaseSettings


class ExtraSettings(BaseSettings):
    """Settings of this service's own features (none yet)."""
