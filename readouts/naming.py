"""Records named as a reader types them: by slug, by name or by alias, in any case and
with or without accents.

The filters of the pages, the downloads and `export_readouts` take a participant,
a speaker, a topic or a publisher this way ("Xi Jinping", "xi-jinping", "Jose
Garcia" for José García). A slug names its record; otherwise a name matched
exactly (case and accents aside) does, failing that an alias or a Wikidata ID
("Q22686"), and failing that
the one record whose name or alias has every word typed ("Zelenskyy"). A text
that names several records, or none, is refused with what it could mean, so a
page never answers a typo with a silent empty list.

Names are compared in Python (SQLite has no accent folding). Participants are
many, so the database is asked first for those whose name or aliases contain
every word typed; only when that finds no one are the names with letters beyond
ASCII compared too (a typed "Jose" is in no stored "José").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import QID, Participant, split_aliases

CANDIDATES = 10  # an ambiguous name lists at most this many records
PREFILTERED = 1000  # rows read for one typed name, at most
NON_ASCII = r"[^\x01-\x7f]"


def fold(text: str) -> str:
    """A name as compared: no accents, no case, hyphens, dots and spaces alike."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").casefold()
    return re.sub(r"[\s\-.]+", " ", text).strip()


@dataclass(frozen=True)
class Named:
    """A record a filter value names: its key, its slug and how to show it."""

    pk: int
    slug: str
    name: str
    label: str = ""  # to tell it from others of the same name: "Joe Biden (US)"
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def described(self) -> str:
        return self.label or self.name


JOINT = Named(0, "joint", "joint")  # what the sides said together, for the speaker filter


class Unmatched(ValidationError):
    """A typed name that names no record, or several: the message says which, and
    `params` holds the text, the noun and the candidates (for links on a page)."""

    def __init__(self, noun: str, text: str, candidates: list[Named]) -> None:
        self.text, self.noun, self.candidates = text, noun, candidates[:CANDIDATES]
        self.more = more = len(candidates) - len(self.candidates)
        if candidates:
            options = [f"{c.described} ({c.slug})" for c in self.candidates]
            listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else ""
            message = f"“{text}” names more than one {noun}: did you mean {listed}" + (
                f" (or {more} more)?" if more else "?"
            )
            code = "ambiguous"
        else:
            message, code = f"No {noun} named “{text}”.", "unknown"
        super().__init__(message, code=code)


def choose(text: str, noun: str, records: Iterable[Named], *, words: bool = True) -> Named:
    """The record `text` names among these: by slug, else by name, else by alias, else
    (with `words`) the record whose name or an alias has every word of it."""
    records = list(records)
    typed = text.strip()
    for record in records:
        if record.slug == typed:
            return record
    key = fold(typed)
    by_name = [r for r in records if fold(r.name) == key]
    if len(by_name) == 1:
        return by_name[0]
    by_alias = [r for r in records if any(fold(a) == key for a in r.aliases)]
    found = by_name or by_alias
    if not found and words and key:
        wanted = set(key.split())
        found = [
            r for r in records if any(wanted <= set(fold(n).split()) for n in (r.name, *r.aliases))
        ]
    if len(found) == 1:
        return found[0]
    raise Unmatched(noun, typed, distinguished(found))


def distinguished(records: list[Named]) -> list[Named]:
    """Candidates sorted by name, with their slugs added where their labels are the same."""
    labels = [r.described for r in records]
    return sorted(
        (
            r
            if labels.count(r.described) == 1
            else Named(r.pk, r.slug, r.name, f"{r.described}, {r.slug}", r.aliases)
            for r in records
        ),
        key=lambda r: (fold(r.name), r.slug),
    )


def shown(record: Named, records: Iterable[Named]) -> str:
    """What a filter box shows for a record: its name where that names it alone."""
    key = fold(record.name)
    same = [r for r in records if fold(r.name) == key]
    return record.name if all(r.pk == record.pk for r in same) else record.slug


def _participants(condition: Q) -> list[Named]:
    rows = Participant.objects.filter(condition).values_list(
        "pk", "slug", "name", "country", "aliases", "wikidata"
    )[:PREFILTERED]
    # The Wikidata ID names its record as an alias does ("Q22686").
    return [
        Named(
            pk,
            slug,
            name,
            f"{name} ({country})" if country else name,
            (*split_aliases(a), *([qid] if qid else [])),
        )
        for pk, slug, name, country, a, qid in rows
    ]


def participant(text: str, noun: str = "participant") -> tuple[Named, str]:
    """The participant `text` names, and what the filter box shows for them. One query
    when the text is a slug, or a name or alias as stored; two when it differs from
    the stored one in accents (or finds no one)."""
    typed = text.strip()
    words = fold(typed).split() or [typed]
    in_name = Q(*(Q(name__icontains=word) for word in words))
    in_aliases = Q(*(Q(aliases__icontains=word) for word in words))
    # The slug's own name: others of that name show whether the name alone names them.
    namesakes = Q(name__in=Participant.objects.filter(slug=typed).values("name"))
    condition = Q(slug=typed) | in_name | in_aliases | namesakes
    if QID.match(typed.upper()):
        condition |= Q(wikidata=typed.upper())
    records = _participants(condition)
    try:
        found = choose(typed, noun, records, words=False)
    except Unmatched as unmatched:
        if unmatched.candidates:
            raise
        accented = _participants(Q(name__regex=NON_ASCII) | Q(aliases__regex=NON_ASCII))
        records = list({r.pk: r for r in [*records, *accented]}.values())
        try:
            found = choose(typed, noun, records)
        except Unmatched as still:
            # A merged duplicate's slug leads to the participant it was merged into.
            merged = None if still.candidates else Participant.objects.merged_into(typed)
            if merged is None:
                raise
            (into,) = _participants(Q(pk=merged.pk))
            return into, into.name
    # An alias typed stays in the box: it names them, where their name may not alone. A
    # slug, their name or part of it ("macron") gives way to what names them.
    by_alias = any(fold(alias) == fold(typed) for alias in found.aliases)
    return found, typed if by_alias else shown(found, records)


def speaker(text: str) -> tuple[Named, str]:
    """A participant as `participant` finds them, or "joint" for the sides together."""
    if fold(text) == "joint":
        return JOINT, "joint"
    return participant(text)
