from django.core.management.base import BaseCommand, CommandError, CommandParser

from readouts import derived


class Command(BaseCommand):
    help = (
        "Check the derived tables (meeting–topic, meeting size, meeting–country) against "
        "the records they are derived from (the default), or rebuild them. Triggers keep "
        "them current; this is for reassurance and repair."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="remake the tables from the records"
        )

    def handle(self, *args, rebuild: bool, **options) -> None:
        differ = []
        for table in derived.TABLES:
            if rebuild:
                rows = table.rebuild()
                self.stdout.write(self.style.SUCCESS(f"Rebuilt: {rows:,} {table.name} row(s)."))
            missing, extra = table.differences()
            if missing or extra:
                examples = sorted(missing)[:5] + sorted(extra)[:5]
                differ.append(
                    f"the {table.name} table differs from {table.source}: "
                    f"{len(missing):,} row(s) missing, {len(extra):,} not due "
                    f"({', '.join(table.columns)}: {examples})"
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(f"The {table.name} table matches {table.source}.")
                )
        if differ:
            raise CommandError("; ".join(differ) + "; run with --rebuild to remake them")
