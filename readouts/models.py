"""Meetings, the people in them, the readouts that report them and what was said."""

import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Q
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .documents import local_time
from .querysets import MeetingQuerySet, StatementQuerySet
from .tree import TopicTree


def split_aliases(text: str) -> list[str]:
    """Aliases are kept one per line; blank lines and repeats do not count."""
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


class NaturalKeyManager(models.Manager):
    """Looks records up by the natural key that fixtures and readout documents use."""

    def __init__(self, *lookups: str, defer: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.lookups = lookups
        self.deferred = defer

    def get_queryset(self) -> models.QuerySet:
        # Search vectors are for the database's own use: never fetched with the rows.
        queryset = super().get_queryset()
        return queryset.defer(*self.deferred) if self.deferred else queryset

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.lookups, key, strict=True)))

    def deconstruct(self):
        # Migrations never need this manager; keep them free of its arguments.
        return (False, "django.db.models.Manager", None, (), {})


class MergeableManager(NaturalKeyManager):
    """By slug, or by the slug of a duplicate merged into the record: a merged slug
    keeps leading to the record it was merged into (readouts/merging.py)."""

    def __init__(self) -> None:
        super().__init__("slug")

    def get_by_natural_key(self, slug):
        try:
            return self.get(slug=slug)
        except self.model.DoesNotExist:
            found = self.merged_into(slug)
            if found is None:
                raise
            return found

    def merged_into(self, slug: str):
        """The record a duplicate with this slug was merged into, or None."""
        for obj in self.filter(former_slugs__contains=slug):
            if slug in obj.former_slug_list:
                return obj
        return None

    def merged_slugs(self) -> dict[str, str]:
        """Every merged slug with the slug of the record it now leads to. Merged records
        are few: one pass over those that have any, rather than a lookup per slug."""
        rows = self.exclude(former_slugs="").values_list("slug", "former_slugs")
        return {former: slug for slug, text in rows for former in split_aliases(text)}


class Versioned(models.Model):
    """Counts saves, so that a form opened on an older version can be refused."""

    version = models.PositiveIntegerField(default=1, editable=False, serialize=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.bump_version()
        super().save(*args, **kwargs)

    def bump_version(self, stored: int | None = None) -> None:
        """The rule, once: each save of a stored record moves its version on by one
        (from the version stored, when given). Bulk writes call this for each row."""
        self.version = (self.version if stored is None else stored) + 1

    @classmethod
    def bulk_save(cls, objs: list, fields: list[str], batch_size: int) -> None:
        """Save some fields of many stored rows at once, one UPDATE a batch, each row's
        version moved on as a save would (its history is the caller's to write)."""
        for obj in objs:
            obj.bump_version()
        cls._default_manager.bulk_update(objs, [*fields, "version"], batch_size=batch_size)


def valid_time_zone(name: str) -> None:
    if name and name not in available_timezones():
        raise ValidationError(f"{name!r} is not a time zone name, such as Asia/Shanghai.")


HOST = re.compile(r"^[a-z0-9.-]+$")


def valid_hosts(text: str) -> None:
    wrong = [line for line in split_aliases(text) if not HOST.match(line)]
    if wrong:
        raise ValidationError(
            f"Not a web host: {', '.join(map(repr, wrong))}. Give one host per line, "
            "such as bidenwhitehouse.archives.gov."
        )


SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")  # as a SlugField of 100 characters
MAX_MARKS = 100  # slugs a record may be marked as not the same as


def valid_slugs(text: str) -> None:
    lines = split_aliases(text)
    if len(lines) > MAX_MARKS:
        raise ValidationError(f"At most {MAX_MARKS} slugs, one per line.")
    wrong = [line for line in lines if not SLUG.match(line)]
    if wrong:
        raise ValidationError(
            f"Not a slug: {', '.join(repr(w[:100]) for w in wrong[:5])}. Give one slug per "
            "line, such as macky-sall."
        )


QID = re.compile(r"^Q[1-9][0-9]*$")
SCHEME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def valid_qid(value: str) -> None:
    if value and not QID.match(value):
        raise ValidationError(
            f"{value!r} is not a Wikidata item's ID: Q and digits, such as Q22686."
        )


def identifier_problems(value: object) -> list[str]:
    """What is wrong with a list of Popolo identifiers ({"scheme", "identifier"}), other
    than Wikidata's (a field of its own); the loader says the same."""
    if not isinstance(value, list):
        return ['give a list of {"scheme": …, "identifier": …}']
    problems, seen = [], set()
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"scheme", "identifier"}:
            problems.append(f"item {i + 1}: give exactly a scheme and an identifier")
            continue
        scheme, identifier = item["scheme"], item["identifier"]
        if not isinstance(scheme, str) or not SCHEME.match(scheme) or len(scheme) > 50:
            problems.append(f"item {i + 1}: the scheme is a short lower-case name, such as viaf")
        elif scheme == "wikidata":
            problems.append(f"item {i + 1}: the Wikidata ID has a field of its own")
        if not isinstance(identifier, str) or not identifier.strip() or len(identifier) > 500:
            problems.append(f"item {i + 1}: the identifier is a text of 1 to 500 characters")
        key = (scheme, identifier) if isinstance(identifier, str) else None
        if key in seen:
            problems.append(f"item {i + 1}: given twice")
        seen.add(key)
    return problems


def valid_identifiers(value: object) -> None:
    problems = identifier_problems(value)
    if problems:
        raise ValidationError("; ".join(problems))


def wikidata_field() -> models.CharField:
    return models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        validators=[valid_qid],
        help_text="The Wikidata item, such as Q22686.",
    )


def identifiers_field() -> models.JSONField:
    return models.JSONField(
        "other identifiers",
        default=list,
        blank=True,
        validators=[valid_identifiers],
        help_text='Identifiers in other schemes, as a list: [{"scheme": "viaf", "identifier": '
        '"12345"}].',
    )


class Identified:
    """Identifiers of a person or an organisation in other databases: Wikidata's item
    (`wikidata`), and others as the Popolo standard's `identifiers` list. The fields are
    declared last on each model, so fixtures list them after the others."""

    def save(self, *args, **kwargs) -> None:
        # A form's emptied box is no identifiers, not a missing value.
        if self.identifiers is None:
            self.identifiers = []
        super().save(*args, **kwargs)

    @property
    def identifier_list(self) -> list[dict[str, str]]:
        """Every identifier, Popolo's way: Wikidata's first."""
        wikidata = [{"scheme": "wikidata", "identifier": self.wikidata}] if self.wikidata else []
        return wikidata + list(self.identifiers or [])

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata}" if self.wikidata else ""


def tracked(**options) -> HistoricalRecords:
    # Each change keeps the previous version, who made it and when. The history
    # tables live in the audit app, so `dumpdata readouts` is the curated data alone.
    return HistoricalRecords(app="audit", **options)


def refuse_merged_slug(obj: models.Model) -> None:
    """A merged slug keeps leading to the record it was merged into: no other record
    may take it."""
    owner = type(obj).objects.merged_into(obj.slug) if obj.slug else None
    if owner is not None and owner.pk != obj.pk:
        raise ValidationError(
            {"slug": f"{obj.slug!r} was merged into {owner.slug!r} and still leads there."}
        )


def distinct_field(noun: str) -> models.TextField:
    return models.TextField(
        "not the same as",
        blank=True,
        validators=[valid_slugs],
        help_text=f"Slugs of {noun} a curator has checked are not this one, one per line: "
        "the likely duplicates leave them out.",
    )


def clean_distinct(obj: models.Model) -> None:
    """ "Not the same as" kept one slug a line, once each; a slug newly marked names
    another record, by its slug or a merged one. Marks stored already are left alone: a
    load may mark a record against one not loaded yet."""
    model = type(obj)
    lines = split_aliases(obj.distinct_from)
    obj.distinct_from = "\n".join(lines)
    wanted = {slug for slug in lines if SLUG.match(slug)}
    if obj.slug in wanted:
        raise ValidationError({"distinct_from": "A record is the same as itself."})
    stored = model.objects.filter(pk=obj.pk).values_list("distinct_from", flat=True).first()
    new = wanted - set(split_aliases(stored or ""))
    missing = new - set(model.objects.filter(slug__in=new).values_list("slug", flat=True))
    # Merged slugs are read only when a slug new here names no record.
    unknown = sorted(missing - set(model.objects.merged_slugs())) if missing else []
    if unknown:
        noun = model._meta.verbose_name
        raise ValidationError(
            {"distinct_from": f"No {noun} has the slug {', '.join(map(repr, unknown))}."}
        )


def not_blank(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=~Q(**{field: ""}), name=f"{model}_{field}_not_blank")


class Topic(Versioned):
    """A subject of discussion, optionally under a broader topic."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    description = models.TextField(blank=True)
    former_slugs = models.TextField(
        blank=True,
        editable=False,
        help_text="Slugs of duplicates merged into this one, one per line: they still lead here.",
    )
    phrases = models.TextField(
        blank=True,
        help_text="Words and phrases that suggest this topic when a readout is imported, one "
        "per line (fentanyl, synthetic drugs). The name counts too. A phrase of three "
        "letters or fewer (AI, G7) is matched only as written; longer ones in any case.",
    )
    distinct_from = distinct_field("topics")

    objects = MergeableManager()
    history = tracked()

    class Meta:
        ordering = ["name"]
        constraints = [not_blank("slug", "topic"), not_blank("name", "topic")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("readouts:topic_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def former_slug_list(self) -> list[str]:
        return split_aliases(self.former_slugs)

    @property
    def phrase_list(self) -> list[str]:
        return split_aliases(self.phrases)

    @property
    def distinct_list(self) -> list[str]:
        return split_aliases(self.distinct_from)

    def clean(self) -> None:
        refuse_merged_slug(self)
        clean_distinct(self)
        # Against the tree stored now: the parent object the form chose may have been
        # read before another change committed.
        if self.pk is not None and TopicTree.stored().makes_cycle(self.pk, self.parent_id):
            raise ValidationError({"parent": "A topic cannot be its own ancestor."})

    @staticmethod
    def lock_tree() -> None:
        """Wait for any other change to the topic tree to commit, and hold others off
        until this transaction ends (PostgreSQL; SQLite has one writer at a time)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('readouts_topic_tree'))")


class Publisher(Identified, Versioned):
    """A government body (or other organisation) that publishes readouts."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    country = CountryField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    hosts = models.TextField(
        blank=True,
        validators=[valid_hosts],
        help_text="Other web hosts its readouts are published under (an archive, a mirror), "
        "one per line: a source URL on its website's host or one of these is its readout.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[valid_time_zone],
        help_text="Where its clock times are read when a readout gives none (an IANA name: "
        "Asia/Shanghai, America/New_York).",
    )
    wikidata = wikidata_field()
    identifiers = identifiers_field()

    objects = NaturalKeyManager("slug")
    history = tracked()

    class Meta:
        ordering = ["name"]
        constraints = [not_blank("slug", "publisher"), not_blank("name", "publisher")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('readouts:meeting_list')}?publisher={self.slug}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def host_list(self) -> list[str]:
        """The hosts a source URL of its readouts is on: its website's, then the others."""
        own = urlsplit(self.website).hostname if self.website else None
        return list(dict.fromkeys(filter(None, [own, *split_aliases(self.hosts)])))


class Participant(Identified, Versioned):
    """A person who takes part in meetings."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    country = CountryField(blank=True, help_text="The country the person represents, if any.")
    organization = models.CharField(
        max_length=200,
        blank=True,
        help_text="For people who represent an organisation (WHO, NATO…).",
    )
    aliases = models.TextField(
        blank=True, help_text="Other names and spellings, one per line; searched like the name."
    )
    former_slugs = models.TextField(
        blank=True,
        editable=False,
        help_text="Slugs of duplicates merged into this one, one per line: they still lead here.",
    )
    distinct_from = distinct_field("participants")
    wikidata = wikidata_field()
    identifiers = identifiers_field()

    objects = MergeableManager()
    history = tracked()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["country", "name"]),
            models.Index(fields=["name"]),
            # A filter may name a participant by Wikidata ID.
            models.Index(fields=["wikidata"], name="participant_wikidata_idx"),
        ]
        constraints = [not_blank("slug", "participant"), not_blank("name", "participant")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})" if self.country else self.name

    def get_absolute_url(self) -> str:
        return reverse("readouts:participant_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)

    @property
    def former_slug_list(self) -> list[str]:
        return split_aliases(self.former_slugs)

    @property
    def distinct_list(self) -> list[str]:
        return split_aliases(self.distinct_from)

    def clean(self) -> None:
        refuse_merged_slug(self)
        clean_distinct(self)


class MeetingKind(models.TextChoices):
    PHONE_CALL = "phone_call", "phone call"
    VIDEO_CALL = "video_call", "video call"
    MEETING = "meeting", "meeting"
    TALKS = "talks", "talks"
    VISIT = "visit", "visit"
    MESSAGES = "messages", "exchange of messages"
    OTHER = "other", "other"


class Meeting(Versioned):
    """One diplomatic contact: a call, talks, a visit, an exchange of messages."""

    Kind = MeetingKind

    slug = models.SlugField(max_length=200, unique=True)
    date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="For contacts over several days.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=500)
    location = models.CharField(max_length=200, blank=True)
    participants = models.ManyToManyField(
        Participant, through="Attendance", related_name="meetings"
    )

    objects = NaturalKeyManager.from_queryset(MeetingQuerySet)("slug")
    history = tracked()

    class Meta:
        ordering = ["-date", "slug"]
        indexes = [
            models.Index(fields=["-date", "slug"], name="meeting_date_slug_idx"),
            models.Index(fields=["kind", "-date"], name="meeting_kind_date_idx"),
        ]
        constraints = [
            not_blank("slug", "meeting"),
            not_blank("title", "meeting"),
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="meeting_end_date_not_before_date",
                violation_error_message="The end date cannot be before the date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("readouts:meeting_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def topics(self) -> models.QuerySet["Topic"]:
        """The topics of this meeting's statements (they are not stored twice)."""
        return Topic.objects.filter(statements__readout__meeting=self).distinct()


class RecordSource(models.TextChoices):
    """Who keeps a record of contacts that is not a government's published account."""

    US_HISTORIAN = "us-office-of-the-historian", "the Office of the Historian"


class RecordKind(models.TextChoices):
    VISIT = "visit", "visit"
    TRIP = "trip", "trip"


class Record(Versioned):
    """An entry of an independent record of contacts (a visit, a trip), kept verbatim:
    it says that contacts happened, where a readout is a government's account of one."""

    Source = RecordSource
    Kind = RecordKind

    source = models.CharField(max_length=100, choices=RecordSource.choices)
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    key = models.CharField(max_length=100, help_text="The entry's own id in its source.")
    url = models.URLField("page", max_length=500, blank=True)
    date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    country = CountryField(
        blank=True, help_text="Where the trip went, or where the visitor came from."
    )
    place = models.CharField(max_length=200, blank=True, help_text="The places named, if any.")
    who = models.CharField(
        max_length=300, help_text="The visitor or traveller, as the record names them."
    )
    role = models.CharField(max_length=100, blank=True, help_text="The traveller's office.")
    text = models.TextField(help_text="The entry's description or remarks, verbatim.")
    meetings = models.ManyToManyField(Meeting, related_name="records", blank=True)

    objects = NaturalKeyManager("source", "kind", "key")
    history = tracked()

    class Meta:
        ordering = ["date", "source", "kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "key"], name="record_unique"),
            not_blank("key", "record"),
            not_blank("who", "record"),
            not_blank("text", "record"),
            models.CheckConstraint(
                condition=Q(source__in=RecordSource.values), name="record_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RecordKind.values), name="record_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="record_end_date_not_before_date",
                violation_error_message="The end date cannot be before the date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}, {self.kind} {self.key}: {self.who}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.source, self.kind, self.key)

    natural_key.dependencies = ["readouts.meeting"]


class AttendanceManager(NaturalKeyManager):
    def get_by_natural_key(self, meeting: str, participant: str):
        try:
            return super().get_by_natural_key(meeting, participant)
        except self.model.DoesNotExist:
            # A merged participant's attendance is now the one they were merged into.
            person = Participant.objects.get_by_natural_key(participant)
            return self.get(meeting__slug=meeting, participant=person)


class Attendance(Versioned):
    """A participant's part in one meeting, with the title they held at the time."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="attendances"
    )
    title = models.CharField(max_length=300, blank=True, help_text="Title held at the time.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the list.")

    objects = AttendanceManager("meeting__slug", "participant__slug")
    history = tracked()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="attendance_unique"),
        ]
        indexes = [
            # A participant's meetings read from the index alone: the meetings two
            # participants share, for the pair page, without visiting every attendance.
            models.Index(fields=["participant", "meeting"], name="attendance_participant_meeting"),
        ]

    def __str__(self) -> str:
        who = f"{self.participant.name}, {self.title}" if self.title else self.participant.name
        return f"{who} at {self.meeting}"

    def natural_key(self) -> tuple[str, str]:
        return self.meeting.natural_key() + self.participant.natural_key()

    natural_key.dependencies = ["readouts.meeting", "readouts.participant"]


class MeetingSize(models.Model):
    """Derived, never curated: how many take part in each meeting, one row a meeting (0
    when no one is recorded yet), kept current by database triggers (migration 0020) on
    every path that writes; `manage.py derived_tables` checks and rebuilds it. Sorting
    meetings by their size reads the largest off its index, where counting the
    attendances grouped them all on every request."""

    meeting = models.OneToOneField(
        Meeting,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="size",
    )
    participants = models.PositiveIntegerField()

    class Meta:
        managed = False
        db_table = "readouts_meeting_size"
        default_permissions = ()  # nothing to add, change or delete

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.participants} participant(s)"


class MeetingTopic(models.Model):
    """Derived, never curated: a meeting has a statement on this topic or one of its
    subtopics. One row per topic and meeting, with the meeting's month and the number of
    its statement-topic links naming the topic or a subtopic, kept current by database
    triggers (migrations 0012 and 0022) on every path that writes, a topic moved under
    another parent included; `manage.py derived_tables` checks and rebuilds it."""

    pk = models.CompositePrimaryKey("topic", "meeting")
    topic = models.ForeignKey(
        Topic, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField()
    links = models.PositiveIntegerField()

    class Meta:
        managed = False
        db_table = "readouts_meeting_topic"
        default_permissions = ()  # nothing to add, change or delete

    def __str__(self) -> str:
        return f"{self.topic_id} in {self.meeting_id} ({self.month:%Y-%m})"


class MeetingCountry(models.Model):
    """Derived, never curated: someone from this country takes part in the meeting. One
    row per country and meeting, with how many of its participants are from there, kept
    current by database triggers (migration 0024) on every path that writes, a
    participant's country changed included; `manage.py derived_tables` checks and
    rebuilds it. A country's meetings, and a pair of countries', are read off its key."""

    pk = models.CompositePrimaryKey("country", "meeting")
    country = models.CharField(max_length=2)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    participants = models.PositiveIntegerField()

    class Meta:
        managed = False
        db_table = "readouts_meeting_country"
        default_permissions = ()  # nothing to add, change or delete

    def __str__(self) -> str:
        return f"{self.country} in {self.meeting_id}: {self.participants} participant(s)"


class Readout(Versioned):
    """One publisher's published account of a meeting, kept verbatim."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="readouts")
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="readouts")
    language = models.CharField(
        max_length=20, default="en", help_text="BCP 47 code, e.g. en, zh, ru."
    )
    title = models.CharField(max_length=500)
    published_at = models.DateTimeField(null=True, blank=True)
    # The database keeps the instant; this keeps the clock it was given on, so 23:38
    # +08:00 reads back as 23:38 +08:00 whether or not the publisher has a time zone.
    published_offset = models.SmallIntegerField(
        "published UTC offset",
        null=True,
        blank=True,
        validators=[MinValueValidator(-18 * 60), MaxValueValidator(18 * 60)],
        help_text="The UTC offset the published time was given with, in minutes "
        "(480 for +08:00); kept so it reads as the publisher wrote it.",
    )
    url = models.URLField("source URL", max_length=500, blank=True)
    body = models.TextField(help_text="The published text, verbatim.")
    # Kept up to date by a PostgreSQL trigger (migration 0002); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)

    objects = NaturalKeyManager(
        "meeting__slug", "publisher__slug", "language", defer=("search_vector",)
    )
    history = tracked(excluded_fields=["search_vector"])

    class Meta:
        # Undated readouts last, the same on every database.
        ordering = [F("published_at").asc(nulls_last=True), "id"]
        indexes = [
            # The admin lists readouts in this order: a page of them is read off the index
            # (ascending b-tree indexes keep NULLs last on PostgreSQL).
            models.Index(fields=["published_at", "id"], name="readout_published_idx"),
            # A topic's meetings are found through its statements' readouts: with the
            # meeting beside the key, that step reads the index alone.
            models.Index(fields=["id", "meeting"], name="readout_id_meeting_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "publisher", "language"], name="readout_unique"
            ),
            not_blank("language", "readout"),
            not_blank("title", "readout"),
        ]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title} ({self.language})"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#readout-{self.pk}"

    def natural_key(self) -> tuple[str, str, str]:
        return self.meeting.natural_key() + self.publisher.natural_key() + (self.language,)

    @property
    def published_local(self) -> datetime | None:
        """The published time on the publisher's own clock: in its time zone where the
        record gives one, else at the offset it was published with, else in UTC."""
        return local_time(self.published_at, self.published_offset, self.publisher.time_zone)

    natural_key.dependencies = ["readouts.meeting", "readouts.publisher"]


class Statement(Versioned):
    """One attributed passage of a readout; no speaker means the sides spoke jointly."""

    readout = models.ForeignKey(Readout, on_delete=models.CASCADE, related_name="statements")
    sequence = models.PositiveIntegerField(help_text="Position in the readout, from 1.")
    # Indexed as every foreign key is: participant pages look statements up by speaker.
    speaker = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text="Leave empty for a joint statement (“the two sides”).",
    )
    text = models.TextField()
    topics = models.ManyToManyField(Topic, related_name="statements", blank=True)
    # Kept up to date by a PostgreSQL trigger (migration 0002); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)

    objects = NaturalKeyManager.from_queryset(StatementQuerySet)(
        "readout__meeting__slug",
        "readout__publisher__slug",
        "readout__language",
        "sequence",
        defer=("search_vector",),
    )
    history = tracked(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["readout_id", "sequence"]
        indexes = [
            # From a topic's statements to their readouts without reading the statements'
            # text (an index-only scan, where the table is a million long rows).
            models.Index(fields=["id", "readout"], name="statement_id_readout_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["readout", "sequence"], name="statement_unique"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="statement_sequence_from_1"),
            not_blank("text", "statement"),
        ]

    def __str__(self) -> str:
        speaker = self.speaker.name if self.speaker_id else "Joint"
        return f"{speaker}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return f"{self.readout.meeting.get_absolute_url()}#statement-{self.pk}"

    def natural_key(self) -> tuple:
        return (*self.readout.natural_key(), self.sequence)

    # The speaker's attendance first: the database checks that the speaker attends.
    natural_key.dependencies = [
        "readouts.readout",
        "readouts.attendance",
        "readouts.participant",
        "readouts.topic",
    ]
