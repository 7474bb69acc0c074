from django.core.management.base import BaseCommand, CommandError, CommandParser

from readouts import derived


class Command(BaseCommand):
    help = (
        "Check the derived meeting–topic table against the statements' topics (the default), "
        "or rebuild it. Triggers keep it current; this is for reassurance and repair."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="remake the table from the statements"
        )

    def handle(self, *args, rebuild: bool, **options) -> None:
        if rebuild:
            rows = derived.rebuild()
            self.stdout.write(self.style.SUCCESS(f"Rebuilt: {rows:,} meeting–topic row(s)."))
        missing, extra = derived.differences()
        if missing or extra:
            examples = sorted(missing)[:5] + sorted(extra)[:5]
            raise CommandError(
                f"the meeting–topic table differs from the statements' topics: "
                f"{len(missing):,} row(s) missing, {len(extra):,} not due "
                f"(topic, meeting, month, links: {examples}); run with --rebuild to remake it"
            )
        self.stdout.write(self.style.SUCCESS("The meeting–topic table matches the statements."))
