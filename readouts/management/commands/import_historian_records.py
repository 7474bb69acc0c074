import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from readouts.importing.historian import UnreadableRecords, draft_records
from readouts.loading import LoadError, load_documents
from readouts.management.commands.load_readouts import Command as LoadCommand


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Load the Office of the Historian's visits and trips (its XML files) as records of "
        "contacts beside the readouts: each contact named becomes a meeting, or joins the "
        "meeting recorded already, all or nothing through the loader."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="the Historian's XML files")
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="entries from this day on")
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="entries up to this day")
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="write the readout documents to this file instead of loading them",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything, write nothing"
        )
        parser.add_argument("--user", metavar="USERNAME", help="the account to record a load under")

    def handle(self, *args, files, since, until, output, dry_run, user, verbosity, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user named {user!r}")
        try:
            drafted = draft_records(
                [Path(name) for name in files],
                since=day(since) if since else None,
                until=day(until) if until else None,
            )
        except UnreadableRecords as exc:
            raise CommandError(f"nothing was loaded: {exc}") from None
        if verbosity >= 2:
            for outcome in drafted.outcomes:
                self.stdout.write(outcome.entry.label)
                for line in outcome.lines:
                    self.stdout.write(f"  {line}")
        elif verbosity >= 1:
            for outcome in drafted.outcomes:
                for line in outcome.lines:
                    if "could be any" in line or "only a family name" in line:
                        self.stdout.write(f"{outcome.entry.label}: {line}")
        if verbosity >= 1:
            self.stdout.write(
                f"Read {len(drafted.outcomes)} entries: contacts matched to meetings "
                f"recorded already {drafted.total('matched')}, new meetings "
                f"{drafted.total('created')} (of which ambiguous {drafted.total('ambiguous')}), "
                f"people named who could not be told {drafted.total('skipped')}."
            )
        if output:
            Path(output).write_text(
                json.dumps(drafted.documents, ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8",
            )
            if verbosity >= 1:
                self.stdout.write(
                    self.style.SUCCESS(f"Wrote {len(drafted.documents)} document(s) to {output}")
                )
            return
        names = [f"{doc['meeting']['slug']}" for doc in drafted.documents]
        try:
            report = load_documents(
                list(zip(names, drafted.documents, strict=True)),
                dry_run=dry_run,
                user=account,
                command="import_historian_records " + " ".join(files),
            )
        except LoadError as exc:
            raise CommandError(exc.describe()) from None
        if verbosity >= 1:
            self.stdout.write(LoadCommand(stdout=self.stdout, stderr=self.stderr).summary(report))
