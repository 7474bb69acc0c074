"""What a reviewer must look at in a draft: warnings, each at the field it is about.

The drafting rules guess; these checks look at a finished readout document (and
the people already known) for the guesses that are most likely wrong, so that a
draft is never silently wrong: a "name" that reads as an office or a body, a new
person who may be one already recorded, a title cut off mid-phrase, an opening
sentence that only says who met whom but is given as a statement, a place named
in the text but no location drafted, a speaker who is not a participant, and a
statement whose sentence opens on someone who is not ("Secretary Blinken noted ...").

A warning does not stop a draft from being saved: the reviewer decides. The
checks work on the document alone (not on how it was drafted), so the admin's
review form checks what the analyst has edited, as the command checks a draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readouts.names import not_a_name

from .people import country_code, fold, parse_mention
from .text import sentences
from .vocabulary import Known, Vocabulary


@dataclass(frozen=True)
class DraftWarning:
    """One thing to check, at a field of the readout document ("participants[1].name")."""

    field: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A title does not end in these: the phrase was cut off ("Director of the Office of the Foreign").
DANGLING_WORDS = _words(
    """
    of the a an and or for to on in at with by from de du des la le et
    foreign central national federal supreme prime deputy vice armed political standing
    permanent international economic presidential
    """
)
# Ways an opening says who met whom; what follows them is read for anything more.
CONTACT_VERB = re.compile(
    r"\b(?:spoke|speaks|met|meets|held|holds|had|has|talked|talks|hosted|hosts|welcomed|"
    r"welcomes|received|receives|convened|joined|participated|called)\b"
)
# Words an opening that only says who met whom (when, how, where) is made of, besides names.
CONTACT_WORDS = _words(
    """
    with the of and for a an by on in at to from via his her their its today yesterday tonight
    this morning afternoon evening earlier later week phone telephone video videoconference
    call calls meeting meetings bilateral virtual virtually person margins sidelines during
    visit trip counterpart counterparts also secure conversation introductory separately both
    first official state working lunch dinner breakfast summit here there jr s time local day
    one ahead talks held spoke met
    """
)
MONTHS = _words(
    "January February March April May June July August September October November December"
)
NOT_PLACES = MONTHS | _words(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday The His Her Their Person
    Addition Particular Response Support Order Light Recognition Keeping Line
    """
)
CAPITALISED = r"[A-Z][\w’'\-.]*"
PLACE_PHRASE = re.compile(
    rf"\b(?:in|at)\s+(?:the\s+)?(?P<place>{CAPITALISED}(?:\s+(?:of\s+(?:the\s+)?)?{CAPITALISED})*)"
    rf"|\bon\s+the\s+(?:margins|sidelines)\s+of\s+(?:the\s+)?"
    rf"(?P<event>{CAPITALISED}(?:\s+(?:of\s+(?:the\s+)?)?{CAPITALISED})*)"
    rf"|\b(?:visit|trip|travel(?:ed|led)?)\s+to\s+(?P<visited>{CAPITALISED}(?:\s+{CAPITALISED})*)"
)
# Where an opening turns from the contact to what was said: a place after this is a subject.
CONTENT_TURN = re.compile(
    r"(?<!\s)\s+(?:to\s+(?!the\b|a\b)[a-z]+|about|regarding|concerning|and\s+[a-z]+ed|for\s+an?)\b"
    r"|,\s+(?:where|during which|and|to|who|as|in which|underscoring|highlighting)\b|[;:]"
)


def check(document: dict, vocabulary: Vocabulary) -> list[DraftWarning]:
    """Every warning for a readout document; vocabulary holds the people already known."""
    found: list[DraftWarning] = []
    participants = document.get("participants") or []
    readouts = document.get("readouts") or []
    by_slug = {known.slug: known for known in vocabulary.people}
    in_draft = {p.get("slug") for p in participants}
    for i, entry in enumerate(participants):
        name = (entry.get("name") or "").strip()
        new = "name" in entry
        if new and name and not_a_name(name):
            found.append(
                DraftWarning(
                    f"participants[{i}].name",
                    "not-a-person",
                    f"“{name}” reads as an office, body or group, not a person's name",
                )
            )
        elif new and len(name.split()) == 1:
            found.append(
                DraftWarning(
                    f"participants[{i}].name",
                    "family-name-only",
                    f"“{name}” is one word: if it is a family name alone, give the full name",
                )
            )
        elif new and name and country_code(name):
            found.append(
                DraftWarning(
                    f"participants[{i}].name",
                    "not-a-person",
                    f"“{name}” is the name of a country or territory, not a person's",
                )
            )
        elif new and name:
            for known in similar_people(name, entry.get("country") or "", vocabulary, in_draft):
                found.append(
                    DraftWarning(
                        f"participants[{i}].name",
                        "did-you-mean",
                        f"“{name}” is new, but {known.name} ({known.slug}"
                        f"{', ' + known.country if known.country else ''}) shares the family "
                        f"name and country: did you mean {known.name}?",
                    )
                )
        title = (entry.get("title") or "").strip()
        if title and truncated(title):
            found.append(
                DraftWarning(
                    f"participants[{i}].title",
                    "truncated-title",
                    f"the title “{title}” stops mid-phrase",
                )
            )
    names = {
        p.get("slug"): p.get("name") or getattr(by_slug.get(p.get("slug")), "name", p.get("slug"))
        for p in participants
    }
    # Every way a participant's family name is written, to know a speaker not among them.
    family_names = set()
    for p in participants:
        known = by_slug.get(p.get("slug"))
        for form in [p.get("name") or "", *(p.get("aliases") or [])] + (
            [known.name, *known.aliases] if known else []
        ):
            family_names.update(fold(form).split())
    for r, readout in enumerate(readouts):
        statements = readout.get("statements") or []
        body = readout.get("body") or ""
        opening = _opening(body)
        if statements and opening and only_contact(opening):
            first = statements[0]
            if (first.get("text") or "").startswith(opening):
                who = names.get(first.get("speaker")) or "both sides"
                found.append(
                    DraftWarning(
                        f"readouts[{r}].statements[0].text",
                        "opening-attributed",
                        f"the opening sentence only says who met whom, but is given to {who} "
                        "as a statement; take it out of the statement",
                    )
                )
        for s, statement in enumerate(statements):
            speaker = statement.get("speaker")
            for named in speakers_not_taking_part(statement.get("text") or "", family_names):
                given = names.get(speaker) or "both sides"
                found.append(
                    DraftWarning(
                        f"readouts[{r}].statements[{s}].speaker",
                        "named-speaker-not-participant",
                        f"“{named}” speaks in this statement but is not a participant; it is "
                        f"given to {given}: add them, or give the passage to its speaker",
                    )
                )
            if speaker and speaker not in in_draft:
                found.append(
                    DraftWarning(
                        f"readouts[{r}].statements[{s}].speaker",
                        "speaker-not-participant",
                        f"the speaker “{speaker}” is not a participant of the meeting",
                    )
                )
    meeting = document.get("meeting") or {}
    if not (meeting.get("location") or "").strip():
        place = named_place(
            [meeting.get("title") or ""] + [_opening(r.get("body") or "") for r in readouts]
        )
        if place:
            found.append(
                DraftWarning(
                    "meeting.location",
                    "place-not-drafted",
                    f"the text names a place (“{place}”) but no location is drafted",
                )
            )
    return found


def matched_by_family_name(document: dict, people, vocabulary: Vocabulary) -> list[DraftWarning]:
    """People the text names in full who were drafted as someone recorded under another
    given name: matched by family name and country alone ("Rishi Johnson" as the recorded
    Boris Johnson), which may be a different person."""
    by_slug = {known.slug: known for known in vocabulary.people}
    rows = {entry.get("slug"): i for i, entry in enumerate(document.get("participants") or [])}
    found = []
    for person in people:
        known = by_slug.get(person.slug)
        typed = fold(person.name).split()
        if not (person.existing and known and person.slug in rows and len(typed) >= 2):
            continue
        forms = [fold(f).split() for f in (known.name, *known.aliases)]
        if any(set(typed) <= set(f) for f in forms if f):
            continue  # the name, or a part of it, as recorded
        found.append(
            DraftWarning(
                f"participants[{rows[person.slug]}].existing",
                "matched-by-family-name",
                f"the text names “{person.name}”, drafted as the recorded {known.name} "
                f"({known.slug}) by family name: check that they are one person",
            )
        )
    return found


# A sentence that opens on an office and a name, then says what they did: "Secretary Blinken
# emphasized ...", "Also on the call, Secretary of State Antony Blinken noted ...".
SPEAKER_OPENING = re.compile(
    r"^(?:[A-Z][^,]{0,60},\s+)?(?P<who>(?:[A-Z][\w.’'\-]*\s+|of\s+|the\s+|for\s+){1,10}?"
    r"[A-Z][\w’'\-]+)\s+(?:also\s+)?(?P<verb>[a-z]+(?:ed|s))\b"
)


def speakers_not_taking_part(text: str, family_names: set[str]) -> list[str]:
    """People the statement's sentences open on, with an office, who are not participants."""

    found = []
    for sentence in sentences(text):
        opening = SPEAKER_OPENING.match(sentence)
        if not opening:
            continue
        person = parse_mention(opening.group("who"))
        if person is None or not person.title or person.country == "":
            continue  # not a person with an office ("The United States", a body)
        words = fold(person.name).split()
        if words and not any(word in family_names for word in words):
            found.append(f"{person.title} {person.name}")
    return list(dict.fromkeys(found))


def truncated(title: str) -> bool:
    """A title that stops mid-phrase: on "of", "the", "and"…, or on a word that needs a noun
    after it ("Director of the Office of the Foreign")."""
    words = title.rstrip(" ,;").split()
    return bool(words) and (words[-1].lower() in DANGLING_WORDS or title.rstrip().endswith(","))


def similar_people(
    name: str, country: str, vocabulary: Vocabulary, exclude: set[str]
) -> list[Known]:
    """Known people with the same family name (last word, accents aside) and country."""
    tokens = fold(name).split()
    if len(tokens) < 2 or not country:
        return []
    family = tokens[-1]
    seen: dict[str, Known] = {}
    # The family name as written last, or first ("Kishida Fumio" for "Fumio Kishida").
    for known in vocabulary.by_surname.get(family, []) + vocabulary.by_given.get(family, []):
        if known.slug in exclude or known.country != country or known.slug in seen:
            continue
        forms = [fold(f).split() for f in (known.name, *known.aliases)]
        # Written last, or first as some write theirs: "Hiroshi Kishida" and the recorded
        # "Kishida Fumio" may be one person.
        if any(f and (f[-1] == family or f[0] == family) for f in forms):
            seen[known.slug] = known
    return list(seen.values())


def only_contact(sentence: str) -> bool:
    """An opening that says who met whom (when, how, where), and nothing of what was said."""
    verb = CONTACT_VERB.search(sentence)
    if verb is None:
        return False
    rest = sentence[verb.end() :]
    if not re.search(r"\bwith\b", rest) and not re.search(r"welcome|host|receive", verb.group()):
        return False
    for token in re.findall(r"[\w’'\-]+", rest):
        if token[:1].isupper() or token[:1].isdigit():
            continue  # names, titles, places and dates
        if token.lower().strip("’'") not in CONTACT_WORDS:
            return False
    return True


def named_place(texts: list[str]) -> str:
    """The first place named where a contact is told of: "in Rome", "at the White House",
    "on the margins of the G20"; not a place in what was said ("the situation in Ukraine")."""
    for text in texts:
        turn = CONTENT_TURN.search(text)
        contact = text[: turn.start()] if turn else text
        for match in PLACE_PHRASE.finditer(contact):
            place = match.group("place") or match.group("event") or match.group("visited")
            if place.split()[0].rstrip(".,") not in NOT_PLACES:
                return place.rstrip(".,")
    return ""


def _opening(body: str) -> str:
    paragraph = next((p for p in body.split("\n") if p.strip()), "")
    found = sentences(paragraph)
    return found[0] if found else ""
