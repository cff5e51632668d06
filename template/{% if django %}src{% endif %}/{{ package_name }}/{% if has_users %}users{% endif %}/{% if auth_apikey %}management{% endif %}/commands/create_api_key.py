"""`manage.py create_api_key --email E --name N`: the first key of an account (bootstrap)."""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from ....auth.service import create_api_key
from ...service import get_or_create_user


class Command(BaseCommand):
    help = "Create an API key for an account (created, without a password, if it is new)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--email", required=True, help="the account's email address")
        parser.add_argument("--name", required=True, help="what the key is for, e.g. 'ci'")

    def handle(self, *_args: Any, **options: Any) -> None:
        email, name = options["email"], options["name"].strip()
        try:
            validate_email(email)
        except ValidationError as exc:
            msg = f"Not an email address: {email!r}"
            raise CommandError(msg) from exc
        if not 1 <= len(name) <= 100:  # noqa: PLR2004  (ApiKey.name's length)
            msg = "The name must have 1 to 100 characters."
            raise CommandError(msg)
        created = create_api_key(get_or_create_user(email), name)
        self.stderr.write(
            f"Created API key {created.api_key.id} ({name}) for {email}. "
            "It is shown once, below: store it now."
        )
        # Alone on stdout, so that scripts can capture it.
        self.stdout.write(created.key)
