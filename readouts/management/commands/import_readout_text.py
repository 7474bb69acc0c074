import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from readouts.importing import UnreadableText, Vocabulary, draft_text
from readouts.importing.matching import combine, described, same_draft
from readouts.loading import LoadError, load_documents
from readouts.management.commands.load_readouts import Command as LoadCommand
from readouts.models import Publisher


class Command(BaseCommand):
    help = (
        "Draft readout documents from published readouts (plain text, or Markdown with front "
        "matter) for review; with --load, load the drafts through the loader's checks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="readout text files")
        parser.add_argument(
            "-o",
            "--output",
            default="drafts",
            metavar="DIR",
            help="folder to write the drafts to, one JSON document each (default: drafts/)",
        )
        parser.add_argument(
            "--load",
            action="store_true",
            help="load the drafts instead of writing them, all or nothing",
        )
        parser.add_argument(
            "--publisher",
            metavar="SLUG",
            help=(
                "the publisher of readouts whose text does not tell (an existing slug); a "
                "readout whose source URL names its publisher keeps that one"
            ),
        )
        parser.add_argument("--user", metavar="USERNAME", help="the account to record a load under")

    def handle(self, *args, files, output, load, publisher, user, verbosity, **options) -> None:
        given_publisher = None
        if publisher:
            found = Publisher.objects.filter(slug=publisher).values("slug", "country").first()
            if found is None:
                raise CommandError(f"no publisher with the slug {publisher!r}")
            given_publisher = found
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user named {user!r}")

        vocabulary = Vocabulary.from_database()
        drafts, failures, skipped = [], [], 0
        slugs: set[str] = set()
        for name in files:
            path = Path(name)
            try:
                text = path.read_bytes().decode("utf-8-sig")
                draft = draft_text(text, vocabulary, publisher=given_publisher)
            except OSError as exc:
                failures.append(f"{name}: cannot be read: {exc.strerror}")
                continue
            except UnicodeDecodeError as exc:
                failures.append(f"{name}: is not UTF-8 text (byte {exc.start})")
                continue
            except UnreadableText as exc:
                failures.append(f"{name}: {exc}")
                continue
            if draft.document is None:
                skipped += 1
                if verbosity >= 1:
                    self.stdout.write(f"{name}: not drafted: {draft.reason}")
                continue
            # Another government's account of a contact drafted earlier in this batch
            # joins that draft rather than making a second meeting.
            earlier = None
            if draft.match is None or not draft.match.joined:
                earlier = same_draft(draft.document, [d.document for _n, d in drafts])
            if earlier is not None:
                combine(earlier, draft.document)
                joined_to = next(n for n, d in drafts if d.document is earlier)
            else:
                if draft.match is None or not draft.match.joined:
                    # Two contacts of a day with the same principals (a call, then a call
                    # with a group they are in) are two meetings: each its own slug and file.
                    slug, n = draft.slug, 2
                    while slug in slugs:
                        slug, n = f"{draft.slug}-{n}", n + 1
                    draft.document["meeting"]["slug"] = slug
                slugs.add(draft.slug)
                drafts.append((name, draft))
            if verbosity >= 1:
                statements = draft.document["readouts"][0]["statements"]
                people = ", ".join(p.slug + ("" if p.existing else " (new)") for p in draft.people)
                slug = earlier["meeting"]["slug"] if earlier is not None else draft.slug
                what = (
                    f"joins the draft of {joined_to} as another readout"
                    if earlier is not None
                    else described(draft.match)
                )
                self.stdout.write(
                    f"{name}: {slug}: {people}; {len(statements)} statement(s)"
                    + (f"\n  {what}" if what else "")
                    + "".join(f"\n  check: {note}" for note in draft.notes)
                    + "".join(f"\n  warning: {warning}" for warning in draft.warnings)
                )
        if failures:
            raise CommandError(
                f"{len(failures)} file(s) could not be read; nothing was "
                + ("loaded" if load else "written")
                + ":\n  "
                + "\n  ".join(failures)
            )

        warned = sum(bool(draft.warnings) for _name, draft in drafts)
        if warned and verbosity >= 1:
            self.stdout.write(
                self.style.WARNING(
                    f"{warned} draft(s) have warnings: check the fields they name"
                    + (" in the admin after loading" if load else " before loading")
                )
            )

        if load:
            try:
                report = load_documents(
                    [(name, draft.document) for name, draft in drafts],
                    user=account,
                    command="import_readout_text --load " + " ".join(files),
                )
            except LoadError as exc:
                raise CommandError(exc.describe()) from None
            if verbosity >= 1:
                self.stdout.write(
                    LoadCommand(stdout=self.stdout, stderr=self.stderr).summary(report)
                )
        else:
            folder = Path(output)
            folder.mkdir(parents=True, exist_ok=True)
            for _name, draft in drafts:
                target = folder / f"{draft.slug}.json"
                target.write_text(
                    json.dumps(draft.document, indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8",
                )
            if verbosity >= 1:
                self.stdout.write(
                    self.style.SUCCESS(f"Wrote {len(drafts)} draft(s) to {folder}/")
                    + (f"; {skipped} file(s) were not diplomatic contacts" if skipped else "")
                )
