from django.core.management.base import BaseCommand, CommandError, CommandParser

from readouts.findings import audit


class Command(BaseCommand):
    help = (
        "List what a curator should look at: names that are not people's, likely duplicates, "
        "speakers who did not attend, statements not "
        "found in their readout, meetings without readouts or with one participant, readouts "
        "without statements. The admin shows the same as 'Records to look at'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=None, help="list at most this many of each kind"
        )
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 when there is any finding"
        )

    def handle(self, *args, limit: int | None, check: bool, **options) -> None:
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        total = 0
        for result in audit(limit):
            if not result.findings:
                continue
            count = f"{len(result.findings):,}{'+' if result.more else ''}"
            self.stdout.write(self.style.MIGRATE_HEADING(f"{result.check.heading} ({count})"))
            for finding in result.findings:
                self.stdout.write(f"  {finding.subject}: {finding.detail}")
            total += len(result.findings)
        if not total:
            self.stdout.write(self.style.SUCCESS("No findings: every check passes."))
            return
        self.stdout.write(f"{total:,} finding(s).")
        if check:
            raise CommandError(f"{total:,} record(s) to look at", returncode=1)
