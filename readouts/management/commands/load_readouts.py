import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from readouts.loading import PROGRESS_EVERY, LoadError, LoadReport, load
from readouts.models import Meeting


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's automatic garbage collection for the length of a load.

    A load builds millions of objects that all live until it ends, and each automatic
    full collection walks all of them again, finding nothing: a sixth of the time of a
    10,000-meeting load. The few cycles it leaves are freed once it is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Command(BaseCommand):
    help = (
        "Load readout documents and Django natural-key fixtures (files or folders of .json), "
        "all or nothing. Without a path, loads fixtures/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check everything and report what would change, writing nothing",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="the account to record as making the changes (default: none, the system "
            "account is recorded)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only into a database with no meetings yet (make run: the demo data "
            "once, never again over what curators have changed since)",
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=PROGRESS_EVERY,
            metavar="N",
            help=f"report progress every N files or documents (default {PROGRESS_EVERY})",
        )

    def handle(
        self,
        *args,
        paths: list[str],
        dry_run: bool,
        if_empty: bool,
        progress_every: int,
        user: str | None,
        verbosity: int,
        **options,
    ) -> None:
        if progress_every < 1:
            raise CommandError("--progress-every must be at least 1")
        if if_empty and Meeting.objects.exists():
            if verbosity >= 1:
                self.stdout.write(
                    "The database holds meetings already: nothing loaded (--if-empty). "
                    "Run load_readouts without it to load the files again over them."
                )
            return
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user named {user!r}")
        command = " ".join(["load_readouts", *paths, *(["--dry-run"] if dry_run else [])])

        def progress(stage: str, done: int, total: int) -> None:
            if verbosity >= 1:
                self.stderr.write(f"  {stage}: {done:,} of {total:,}")

        try:
            with collector_paused():
                report = load(
                    paths or None,
                    dry_run=dry_run,
                    progress=progress,
                    progress_every=progress_every,
                    user=account,
                    command=command,
                )
        except LoadError as exc:
            raise CommandError(exc.describe()) from None
        if verbosity >= 1:
            self.stdout.write(self.summary(report))

    def summary(self, report: LoadReport) -> str:
        what = f"{report.documents:,} readout document(s)"
        if report.fixture_objects:
            what += f" and {report.fixture_objects:,} fixture object(s)"
        lines = [f"Read {report.files:,} file(s): {what}."]
        header = f"{'':<14}{'created':>9}{'updated':>9}{'unchanged':>11}{'deleted':>9}"
        lines.append(header)
        for model, t in report.tallies.items():
            name = str(model._meta.verbose_name_plural)
            lines.append(
                f"{name:<14}{t.created:>9,}{t.updated:>9,}{t.unchanged:>11,}{t.deleted:>9,}"
            )
        if report.dry_run:
            lines.append(self.style.WARNING("Dry run: nothing was written."))
        elif report.changed:
            lines.append(self.style.SUCCESS(f"Loaded, recorded as load run #{report.run.pk}."))
        else:
            lines.append(self.style.SUCCESS("Nothing to change: the database already matches."))
        return "\n".join(lines)
