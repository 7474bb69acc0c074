"""People and organisations in Popolo JSON (https://www.popoloproject.com/): persons,
organizations and memberships, for tools that read open government data.

- persons: the participants of the chosen meetings, with their other names and
  identifiers (the Wikidata ID first);
- organizations: the governments they represent (one per country, `government-CN`),
  the international organisations some represent, and the publishers of the readouts
  (each under its country's government);
- memberships: one per attendance: the person, the government or organisation they
  represented, the title they held at that meeting as the `role`, its date as the
  start and end, and the meeting as the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.db.models import QuerySet
from django_countries import countries

from .. import documents as doc
from ..models import Attendance, Meeting, Participant, Publisher, split_aliases
from .streaming import CHUNK, stream_object


def government(code: str) -> str:
    return f"government-{code}"


def organisation(name: str) -> str:
    return "organization-" + re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def person_of(row: dict) -> dict:
    person = {"id": row["slug"], "name": row["name"]}
    others = split_aliases(row["aliases"])
    if others:
        person["other_names"] = [{"name": name} for name in others]
    identifiers = doc.joined_identifiers(row["wikidata"], row["identifiers"])
    if identifiers:
        person["identifiers"] = identifiers
    if row["country"]:
        person["national_identity"] = row["country"]
    return person


def export_popolo(
    meetings: QuerySet[Meeting],
    params: dict[str, str] | None = None,
    *,
    indent: int | None = 2,
    chunk_size: int = CHUNK,
) -> Iterator[str]:
    """The participants of these meetings, the bodies they represented and the
    publishers of the readouts, and an attendance as a membership."""
    attendances = Attendance.objects.filter(meeting__in=meetings.values("pk"))
    people = list(
        Participant.objects.filter(pk__in=attendances.values("participant_id"))
        .order_by("slug")
        .values("slug", "name", "aliases", "wikidata", "identifiers", "country", "organization")
    )
    publishers = list(
        Publisher.objects.filter(readouts__meeting__in=meetings.values("pk"))
        .distinct()
        .order_by("slug")
        .values("slug", "name", "country", "website", "wikidata", "identifiers")
    )
    organizations: dict[str, dict] = {}
    for code in sorted(
        {p["country"] for p in people if p["country"]}
        | {p["country"] for p in publishers if p["country"]}
    ):
        organizations[government(code)] = {
            "id": government(code),
            "name": f"Government of {countries.name(code) or code}",
            "classification": "government",
            "area_id": code,
        }
    for name in sorted({p["organization"] for p in people if p["organization"]}):
        organizations[organisation(name)] = {
            "id": organisation(name),
            "name": name,
            "classification": "organization",
        }
    for row in publishers:
        entry = {"id": row["slug"], "name": row["name"], "classification": "publisher"}
        if row["country"]:
            entry["parent_id"] = government(row["country"])
        identifiers = doc.joined_identifiers(row["wikidata"], row["identifiers"])
        if identifiers:
            entry["identifiers"] = identifiers
        if row["website"]:
            entry["links"] = [{"url": row["website"], "note": "website"}]
        organizations[row["slug"]] = entry
    head = [
        ("persons", [person_of(row) for row in people]),
        ("organizations", list(organizations.values())),
    ]
    yield from stream_object(head, "memberships", memberships(attendances, chunk_size), indent)


def memberships(attendances: QuerySet[Attendance], chunk_size: int) -> Iterator[dict]:
    rows = (
        attendances.order_by("meeting__date", "meeting__slug", "order", "participant__slug")
        .values_list(
            "meeting__slug",
            "meeting__date",
            "meeting__title",
            "participant__slug",
            "participant__country",
            "participant__organization",
            "title",
        )
        .iterator(chunk_size=chunk_size)
    )
    for meeting, day, title, person, country, organization, role in rows:
        membership = {
            "id": f"{meeting}/{person}",
            "person_id": person,
        }
        if organization:
            membership["organization_id"] = organisation(organization)
            if country:
                membership["on_behalf_of_id"] = government(country)
        elif country:
            membership["organization_id"] = government(country)
        if role:
            membership["role"] = role
        membership |= {
            "label": title,
            "start_date": day.isoformat(),
            "end_date": day.isoformat(),
            "sources": [{"url": Meeting(slug=meeting).get_absolute_url(), "note": meeting}],
        }
        yield membership
