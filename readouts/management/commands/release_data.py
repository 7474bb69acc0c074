import os
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from readouts.caching import data_version
from readouts.exporting.release import release


class Command(BaseCommand):
    help = (
        "Write a citable release of all the data into a new folder in OUT_DIR: readout "
        "documents, the Django fixture, one CSV and one Parquet table per model, a "
        "Frictionless datapackage.json, a codebook and SHA-256 checksums. The same data "
        "gives the same bytes; its date is SOURCE_DATE_EPOCH, or when the data last changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir", metavar="OUT_DIR", help="where the release's folder goes")
        parser.add_argument(
            "--name", help="the folder's name (default: readouts-YYYY.MM.DD, the release's date)"
        )

    def handle(self, *args, out_dir: str, name: str | None, **options) -> None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():
            released = datetime.fromtimestamp(int(epoch), tz=UTC)
        else:
            released = data_version()[1].replace(microsecond=0)
        folder = Path(out_dir) / (name or f"readouts-{released:%Y.%m.%d}")
        if folder.exists():
            raise CommandError(f"{folder} exists already: a release is never overwritten.")
        # The documents' header says when they were exported: the release's date.
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(released.timestamp()))
        try:
            counts = release(folder, released)
        except OSError as exc:
            raise CommandError(f"cannot write {folder}: {exc.strerror}") from None
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
        rows = ", ".join(f"{n} {table}" for table, n in counts.items())
        self.stdout.write(f"Wrote {folder}: {rows}.")
