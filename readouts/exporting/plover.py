"""Event data: each readout as one PLOVER CONSULT event, in JSON lines.

PLOVER (Political Language Ontology for Verifiable Event Records, the Open Event
Data Alliance's successor to CAMEO) records who did what to whom, when, from which
source. A readout reports a consultation, so every record is a CONSULT event (verbal
cooperation, quad code 1): the actors by country (ISO 3166 alpha-3), the meeting's
dates, the publisher and URL as the source (`cite_info`), and each statement as a
quoted passage (`event_text`). The mapping, field by field, is docs/plover.md; the
fields used are checked against docs/plover-consult.schema.json by the tests.

One record per readout, not per meeting: two governments' accounts are two sources,
which event data keeps apart; they share `link`, the meeting's slug."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from django.db.models import QuerySet
from django_countries import countries

from .. import __version__
from ..models import Attendance, Meeting, MeetingKind, Readout
from .selection import meetings_with_everything
from .streaming import CHUNK, iterate

CODEBOOK = "plover-consult (docs/plover.md)"
REMOTE = {MeetingKind.PHONE_CALL, MeetingKind.VIDEO_CALL, MeetingKind.MESSAGES}


def actor(attendance: Attendance) -> dict:
    """A participant as a PLOVER actor: their country's alpha-3 code and the government
    sector, or IGO for someone who represents an organisation and no country."""
    person = attendance.participant
    code = countries.alpha3(person.country.code) if person.country else None
    found: dict = {"code": code or "IGO", "sector": "GOV" if code else None}
    found["actor_text"] = (
        f"{person.name} ({person.organization})" if person.organization else person.name
    )
    if person.wikidata:
        # PLOVER asks for the Wikidata ID of a person it names.
        found["identifier_id"] = person.wikidata
    if attendance.title:
        found["office"] = attendance.title
    return {key: value for key, value in found.items() if value is not None}


def named_countries(location: str) -> set[str]:
    """The countries a meeting's location names ("Bali, Indonesia" names ID)."""
    words = location.casefold()
    return {
        code
        for code, name in countries
        if re.search(rf"\b{re.escape(str(name).casefold())}\b", words)
    }


def sides(meeting: Meeting) -> tuple[str | None, list[Attendance], list[Attendance]]:
    """The CONSULT mode, the source actors and the recipient actors (the host, when the
    meeting is a visit whose host is known), from the meeting's kind, participants and
    location. See the table in docs/plover.md."""
    attendances = list(meeting.attendances.all())
    present = {a.participant.country.code for a in attendances if a.participant.country}
    organisations = any(
        a.participant.organization and not a.participant.country for a in attendances
    )
    if meeting.kind in REMOTE:
        return "phone", attendances, []
    if organisations or len(present) >= 3:
        return "multilateral", attendances, []
    named = named_countries(meeting.location) if meeting.location else set()
    hosts = named & present
    if named and not hosts:
        return "third-party", attendances, []
    if len(hosts) == 1 and len(present) == 2:
        # A meeting in one side's country is the other side's visit: the visitor is the
        # source and the host the recipient, as PLOVER codes a visit.
        (host,) = hosts
        visitors = [a for a in attendances if a.participant.country.code != host]
        hosting = [a for a in attendances if a.participant.country.code == host]
        return "visit", visitors, hosting
    if meeting.kind == MeetingKind.VISIT:
        return "visit", attendances, []  # who hosted is not recorded: all are sources
    return None, attendances, []


def passage(statement) -> dict:
    return {
        "sequence": statement.sequence,
        "speaker": statement.speaker.name if statement.speaker_id else None,
        "speaker_code": (
            countries.alpha3(statement.speaker.country.code)
            if statement.speaker_id and statement.speaker.country
            else None
        ),
        "topics": [topic.slug for topic in statement.topics.all()],
    }


def event(meeting: Meeting, readout: Readout) -> dict:
    mode, source, recipient = sides(meeting)
    statements = list(readout.statements.all())
    record: dict = {
        "id": f"{meeting.slug}/{readout.publisher.slug}/{readout.language}",
        "date": meeting.date.isoformat(),
    }
    if meeting.end_date:
        record["enddate"] = meeting.end_date.isoformat()
    record["source"] = [actor(a) for a in source]
    if recipient:
        record["recipient"] = [actor(a) for a in recipient]
    record["event"] = ["CONSULT"]
    if mode:
        record["mode"] = [mode]
    record["quad_code"] = 1
    record["event_text"] = [statement.text for statement in statements]
    record["link"] = meeting.slug
    publisher = readout.publisher
    cite = {
        "corpus": "Diplomatic readouts database",
        "citation": f"{publisher.name}, “{readout.title}”"
        + (f", {readout.published_at:%Y-%m-%d}" if readout.published_at else ""),
        "url": readout.url or None,
        "title": readout.title,
        "language": readout.language,
        "publication": publisher.name,
        "codebook": CODEBOOK,
    }
    record["cite_info"] = {key: value for key, value in cite.items() if value}
    record["coder"] = f"diplomatic readouts database {__version__} (curated by hand)"
    # Beyond PLOVER's fields, as it invites: who said each passage, and when and by
    # whom the readout was published.
    record["statements"] = [passage(s) for s in statements]
    record["publisher"] = {
        "slug": publisher.slug,
        "country": countries.alpha3(publisher.country.code) if publisher.country else None,
    }
    record["published_at"] = (
        readout.published_at.isoformat().replace("+00:00", "Z") if readout.published_at else None
    )
    if meeting.location:
        record["comment"] = f"Location: {meeting.location}"
    return record


def export_plover(
    meetings: QuerySet[Meeting],
    params: dict[str, str] | None = None,
    *,
    indent: int | None = None,
    chunk_size: int = CHUNK,
) -> Iterator[str]:
    """One JSON object per line per readout of these meetings, in the exporter's order
    (the indent does not apply: JSON lines are one line each)."""
    for meeting in iterate(meetings_with_everything(meetings), chunk_size):
        for readout in meeting.readouts.all():
            yield json.dumps(event(meeting, readout), ensure_ascii=False) + "\n"
