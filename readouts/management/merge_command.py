"""What merge_participants and merge_topics share: naming the records, the user, the errors."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from readouts.merging import MergeConflict, MergeError, choose


class MergeCommand(BaseCommand):
    model = None  # the model whose records are merged
    merge = None  # merging.merge_participants or merging.merge_topics

    def add_arguments(self, parser: CommandParser) -> None:
        noun = self.model._meta.verbose_name
        parser.add_argument("survivor", metavar="SURVIVOR", help=f"the slug of the {noun} to keep")
        parser.add_argument(
            "duplicates",
            nargs="*",
            metavar="DUPLICATE",
            help=f"the slugs of the {noun}s to fold into it",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="the account to record as making the merge (default: none)",
        )

    def handle(self, *args, survivor: str, duplicates: list[str], user: str | None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user named {user!r}")
        name = self.__module__.rsplit(".", 1)[-1]
        try:
            kept, others = choose(self.model, survivor, duplicates)
            result = type(self).merge(kept, others, user=account, where=f"with manage.py {name}")
        except MergeConflict as exc:
            lines = [
                f"Nothing was merged: {len(exc.conflicts)} meeting(s) have them with different "
                "titles. Give them the same title there (or leave one blank), then merge again:"
            ]
            lines += [f"  {conflict}" for conflict in exc.conflicts]
            raise CommandError("\n".join(lines)) from None
        except MergeError as exc:
            raise CommandError(f"Nothing was merged: {exc}") from None
        except DatabaseError as exc:
            raise CommandError(f"Nothing was merged: the database refused it: {exc}") from None
        self.stdout.write(str(result))
