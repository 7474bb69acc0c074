import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from readouts.exporting import EXPORTERS, ExportError, meetings_for

# Command-line options and the query parameters of the meetings list they set.
FILTER_OPTIONS = {
    "q": "q",
    "since": "date_after",
    "until": "date_before",
    "kind": "kind",
    "country": "country",
    "participant": "participant",
    "topic": "topic",
    "publisher": "publisher",
    "pair": "pair",
    "reported_by_country": "reported_by_country",
    "unreported_by_country": "unreported_by_country",
    "known_from": "known_from",
}


class Command(BaseCommand):
    help = (
        "Export meetings as readout documents (the loader's format), as a flat Django "
        "natural-key fixture, as PLOVER event data (--format plover: JSON lines, a "
        "CONSULT event per readout; docs/plover.md) or as Popolo persons, organisations and "
        "memberships (--format popolo), all of them or those a filter "
        "chooses. Documents load with load_readouts (and, for --format django, with loaddata)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=EXPORTERS, default="documents")
        parser.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
        parser.add_argument(
            "--indent", type=int, default=2, help="spaces per level; 0 for one line"
        )
        parser.add_argument("--q", metavar="TEXT", help="free text, as on the meetings page")
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="meetings on or after")
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="meetings on or before")
        parser.add_argument("--kind", help="phone_call, video_call, meeting, talks, visit, ...")
        parser.add_argument("--country", metavar="CC", help="a participant's country, e.g. CN")
        parser.add_argument(
            "--participant", metavar="NAME", help="a participant's slug, name or alias"
        )
        parser.add_argument(
            "--topic", metavar="NAME", help="a topic's slug or name (with its subtopics)"
        )
        parser.add_argument("--publisher", metavar="NAME", help="a publisher's slug or name")
        parser.add_argument(
            "--pair",
            metavar="A,B",
            help="meetings both took part in: two country codes or participants (US,CN)",
        )
        parser.add_argument(
            "--reported-by-country", metavar="CC", help="with a readout from a publisher of CC"
        )
        parser.add_argument(
            "--unreported-by-country",
            metavar="CC",
            help="someone from CC took part and no publisher of CC reported it",
        )
        parser.add_argument(
            "--known-from",
            metavar="SOURCE",
            help="'record' (the Office of the Historian's) or 'readout'",
        )

    def handle(self, *args, format: str, output: str | None, indent: int, **options) -> None:
        if indent < 0:
            raise CommandError("--indent cannot be negative")
        params = {
            param: options[option]
            for option, param in FILTER_OPTIONS.items()
            if options.get(option) not in (None, "")
        }
        try:
            meetings, params = meetings_for(params)
        except ExportError as exc:
            raise CommandError(f"cannot export: {exc}") from None
        pieces = EXPORTERS[format](meetings, params, indent=indent or None)
        if output:
            try:
                with open(output, "w", encoding="utf-8", newline="\n") as f:
                    for piece in pieces:
                        f.write(piece)
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from None
            self.stderr.write(f"Wrote {output}.")
        else:
            try:
                for piece in pieces:
                    self.stdout.write(piece, ending="")
                self.stdout.flush()
            except BrokenPipeError:
                # The reader stopped early (| head): not an error of ours.
                sys.stderr.close()
                sys.exit(0)
