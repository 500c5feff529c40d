"""``varna token USERNAME``: print a new API token for a person."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from varna.core.models import User
from varna.core.tokens import LABEL_MAX_LENGTH, issue_token


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print it. Only the token is printed on standard output, "
        "so a script can capture it; it is shown this once and only its hash is stored. "
        "Use it as the header 'Authorization: Bearer TOKEN' against /api/v1/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user name of the person the token acts as.")
        parser.add_argument(
            "--label",
            default="",
            help=f"A note on what the token is for, such as 'HR sync' (at most {LABEL_MAX_LENGTH} characters).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user with the user name {username!r}.") from exc
        try:
            key = issue_token(user=user, actor=None, label=options["label"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(key)
