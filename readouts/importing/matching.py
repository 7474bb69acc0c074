"""Is a draft a contact, or a readout, already recorded?

A second government's account of a call is another readout of the same meeting,
not a new meeting; a readout drafted again (from its source URL, or the same
publisher, language and title on the same day) is an update of the one recorded.

- The same contact: a recorded meeting within a day of the draft's date
  (publishers' time zones differ), with the same counterparts (two participants
  in common, or one in common and the same countries, or the same two or more
  countries where the names differ), of a compatible kind (a phone call is not
  a visit).
- The same readout: the same source URL, or the same publisher, language and
  title for a meeting on the same day.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from readouts import documents as doc
from readouts.models import Attendance, Meeting, Participant, Readout

from .people import fold

# Kinds that can describe one contact: publishers call one call a phone call and
# the other a video call, one meeting "talks" and the other "a meeting".
REMOTE = {"phone_call", "video_call"}
IN_PERSON = {"meeting", "talks", "visit"}


def compatible(a: str, b: str) -> bool:
    if "other" in (a, b) or a == b:
        return True
    return (a in REMOTE and b in REMOTE) or (a in IN_PERSON and b in IN_PERSON)


@dataclass
class Match:
    """What a draft is, among what is recorded."""

    readout: Readout | None = None  # the recorded readout this draft updates
    meeting: Meeting | None = None  # the one meeting the draft is another readout of
    candidates: list[Meeting] = field(default_factory=list)  # several: the analyst picks
    changes: list[str] = field(default_factory=list)  # what an update would change

    @property
    def joined(self) -> bool:
        return self.meeting is not None


def match(document: dict) -> Match:
    """The recorded readout or meeting a drafted document is, if any."""
    readout = recorded_readout(document)
    if readout is not None:
        return Match(readout=readout, meeting=readout.meeting, changes=changes(document, readout))
    found = same_contact(document)
    if len(found) == 1:
        return Match(meeting=found[0])
    return Match(candidates=found)


def _day(document: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(document["meeting"].get("date") or "")
    except ValueError:
        return None


def recorded_readout(document: dict) -> Readout | None:
    """The recorded readout a draft is another copy of: by source URL, or by publisher,
    language and title on the same day."""
    (entry,) = document["readouts"][:1] or [None]
    if entry is None:
        return None
    readouts = Readout.objects.select_related("meeting", "publisher")
    url = (entry.get("url") or "").strip()
    if url:
        same = readouts.filter(url=url).order_by("pk").first()
        if same is not None:
            return same
    day, publisher = _day(document), entry["publisher"].get("slug")
    if day is None or not publisher:
        return None
    # Within a day: the meeting may be dated by the other side's clock (a readout dated
    # the 16th in Beijing joined the meeting of the 15th in Washington).
    near = (day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    return (
        readouts.filter(
            publisher__slug=publisher,
            language=entry.get("language", "en"),
            title=entry["title"],
            meeting__date__range=near,
        )
        .order_by("pk")
        .first()
    )


def _last_day(document: dict, day: dt.date) -> dt.date:
    """The draft's last day: its end date, for a contact over several days (a trip's)."""
    try:
        end = dt.date.fromisoformat(document["meeting"].get("end_date") or "")
    except ValueError:
        return day
    return max(end, day)


def same_contact(document: dict) -> list[Meeting]:
    """Recorded meetings that are the draft's contact, by date (within a day of the
    draft's days), counterparts and kind."""
    day = _day(document)
    if day is None:
        return []
    last = _last_day(document, day)
    slugs = {p["slug"] for p in document["participants"]}
    recorded = dict(Participant.objects.filter(slug__in=slugs).values_list("slug", "country"))
    countries = {
        p.get("country", recorded.get(p["slug"], "")) for p in document["participants"]
    } - {""}
    near = (
        Meeting.objects.filter(
            date__range=(day - dt.timedelta(days=1), last + dt.timedelta(days=1))
        )
        .order_by("date", "slug")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("participant")),
            Prefetch(
                "readouts",
                queryset=Readout.objects.select_related("publisher").only(
                    "meeting_id", "language", "publisher__slug"
                ),
            ),
        )
    )
    accounts = _accounts(document)
    found = []
    for meeting in near:
        if not compatible(meeting.kind, document["meeting"]["kind"]):
            continue
        # One government does not publish two accounts of one contact: a meeting it has
        # reported already is another contact (see same_draft).
        if accounts & {(r.publisher.slug, r.language) for r in meeting.readouts.all()}:
            continue
        theirs = {a.participant.slug for a in meeting.attendances.all()}
        their_countries = {a.participant.country for a in meeting.attendances.all()} - {""}
        shared = len(slugs & theirs)
        if (
            shared >= 2
            or (shared == 1 and len(countries) >= 2 and countries <= their_countries)
            or (len(countries) >= 2 and countries == their_countries)
        ):
            found.append(meeting)
    # The nearer in date first, then the one sharing more people.
    return sorted(found, key=lambda m: (abs((m.date - day).days), m.date, m.slug))


def changes(document: dict, readout: Readout) -> list[str]:
    """What saving the draft over a recorded readout would change, in words."""
    entry = document["readouts"][0]
    said = []
    if entry["title"] != readout.title:
        said.append(f"title: “{readout.title}” → “{entry['title']}”")
    if entry["body"].strip() != readout.body.strip():
        said.append("the text differs from the recorded text")
    if (entry.get("url") or "") != readout.url:
        said.append(f"source: {readout.url or '(none)'} → {entry.get('url') or '(none)'}")
    drafted = [(s.get("speaker"), s["text"]) for s in entry.get("statements", [])]
    recorded = [
        (speaker, text)
        for speaker, text in readout.statements.order_by("sequence").values_list(
            "speaker__slug", "text"
        )
    ]
    if len(drafted) != len(recorded):
        said.append(f"statements: {len(recorded)} recorded, {len(drafted)} drafted")
    elif drafted != recorded:
        differ = sum(d != r for d, r in zip(drafted, recorded, strict=True))
        said.append(f"{differ} statement(s) differ in their text or speaker")
    attending = set(readout.meeting.attendances.values_list("participant__slug", flat=True))
    added = [p for p in document["participants"] if p["slug"] not in attending]
    if added:
        names = ", ".join(f"{p.get('name', p['slug'])} ({p['slug']})" for p in added)
        said.append(f"adds to the meeting: {names}")
    return said


def joined(document: dict, meeting: Meeting) -> dict:
    """The draft as another readout of a recorded meeting: the meeting as recorded (a
    location the record lacks is added), the draft's people matched to its attendees
    by slug or by country and family name, the others added as new attendances."""
    document = copy.deepcopy(document)
    drafted = document["meeting"]
    document["meeting"] = doc.meeting(
        meeting.slug,
        meeting.date.isoformat(),
        meeting.kind,
        meeting.title,
        end_date=meeting.end_date.isoformat() if meeting.end_date else None,
        with_end_date=True,
        location=meeting.location or drafted.get("location", ""),
    )
    attendees = [a.participant for a in meeting.attendances.order_by("order", "pk")]
    # The recorded attendees as they are (their titles at the time as recorded), then
    # the people only this readout names.
    participants: list[dict] = [doc.participant(person.slug) for person in attendees]
    renamed = {}
    for entry in document["participants"]:
        same = _attendee(entry, attendees)
        if same is None:
            participants.append(entry)
        elif same.slug != entry["slug"]:
            renamed[entry["slug"]] = same.slug
    document["participants"] = participants
    for readout in document["readouts"]:
        for statement in readout.get("statements", []):
            statement["speaker"] = renamed.get(statement["speaker"], statement["speaker"])
    return document


def _attendee(entry: dict, attendees: list[Participant]) -> Participant | None:
    """The recorded attendee a drafted participant is: the same slug, or the same
    country and family name (one government writes "Xi Jinping", the other "President Xi")."""
    for person in attendees:
        if person.slug == entry["slug"]:
            return person
    country, family = entry.get("country"), _family(entry.get("name", ""))
    if not family:
        return None
    same = [
        person
        for person in attendees
        if (country is None or person.country == country) and _family(person.name) == family
    ]
    return same[0] if len(same) == 1 else None


def _family(name: str) -> str:
    words = fold(name).split()
    return words[-1] if words else ""


def same_draft(document: dict, earlier: list[dict]) -> dict | None:
    """An earlier draft of a batch that is the same contact (the other government's
    account of it): the same people, by slug, within a day, of a compatible kind.

    Never a draft with a readout by the same publisher in the same language: one
    government does not publish two accounts of one contact, so two of its readouts
    are two contacts (a call with Trudeau and a call with transatlantic leaders the
    same day), even where the same people took part in both."""
    day, slugs = _day(document), {p["slug"] for p in document["participants"]}
    if day is None:
        return None
    accounts = _accounts(document)
    for other in earlier:
        theirs = {p["slug"] for p in other["participants"]}
        other_day = _day(other)
        if (
            other_day is not None
            and not accounts & _accounts(other)
            and abs((other_day - day).days) <= 1
            and compatible(other["meeting"]["kind"], document["meeting"]["kind"])
            and len(slugs & theirs) >= min(2, len(slugs), len(theirs))
        ):
            return other
    return None


def _accounts(document: dict) -> set[tuple[str | None, str | None]]:
    return {(r["publisher"].get("slug"), r.get("language")) for r in document["readouts"]}


def combine(first: dict, second: dict) -> None:
    """Add a second draft of one contact to the first: its readouts (one per publisher
    and language) and the people only it names."""
    known = {p["slug"] for p in first["participants"]}
    first["participants"] += [p for p in second["participants"] if p["slug"] not in known]
    have = {(r["publisher"].get("slug"), r.get("language")) for r in first["readouts"]}
    first["readouts"] += [
        r for r in second["readouts"] if (r["publisher"].get("slug"), r.get("language")) not in have
    ]
    if not first["meeting"].get("location") and second["meeting"].get("location"):
        first["meeting"]["location"] = second["meeting"]["location"]
    topics = {t["slug"] for t in first.get("topics", [])}
    extra = [t for t in second.get("topics", []) if t["slug"] not in topics]
    if extra:
        first["topics"] = [*first.get("topics", []), *extra]


def described(match: Match | None) -> str:
    """What the draft is among the records, in a line (empty for a new contact)."""
    if match is None:
        return ""
    if match.readout is not None:
        readout = match.readout
        what = "; ".join(match.changes) if match.changes else "nothing would change"
        return (
            f"updates the recorded readout of {readout.publisher.name} on meeting "
            f"{readout.meeting.slug}: {what}"
        )
    if match.meeting is not None:
        return f"joins the recorded meeting {match.meeting.slug} as another readout"
    if match.candidates:
        slugs = ", ".join(m.slug for m in match.candidates)
        return (
            f"could be any of the recorded meetings {slugs}: drafted as a new meeting; "
            "to join one, give its slug as the draft's meeting slug"
        )
    return ""
