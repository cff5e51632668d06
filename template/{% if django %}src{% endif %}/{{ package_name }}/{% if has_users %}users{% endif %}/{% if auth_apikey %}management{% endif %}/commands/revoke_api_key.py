"""`manage.py revoke_api_key ID`: revoke any account's key (an operator's tool)."""

import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ....auth.service import revoke_api_key
from ....exceptions import NotFoundError


class Command(BaseCommand):
    help = "Revoke an API key by its id: requests with it are refused from now on."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("key_id", type=uuid.UUID, help="the key's id (GET /api/v1/api-keys)")

    def handle(self, *_args: Any, **options: Any) -> None:
        try:
            api_key = revoke_api_key(None, options["key_id"])
        except NotFoundError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"Revoked API key {api_key.id} ({api_key.name}).")
