"""The Office of the Historian's record of contacts, drafted as readout documents.

The U.S. Department of State's Office of the Historian lists foreign leaders' visits
to the United States (`<visits>` of `<visit>`) and the President's and the Secretary
of State's trips abroad (`<trips>` of `<trip>`, whose remarks say whom they met).
Each entry becomes a record (readouts.models.Record) and the contacts it names
become meetings:

- a visit is a contact of the visitor with the United States, received by the
  President in office on its first day;
- a trip is a contact of the traveller with each counterpart its remarks name
  ("Met with King Philippe and Prime Minister Alexander De Croo": two contacts),
  with their titles at the time.

People are matched to those recorded by name and alias (Vocabulary.match), never
duplicated; a family name alone ("Foreign Minister Kuleba") is someone recorded
or named in full elsewhere in the files, or no contact is drafted for it. A
contact is then matched to the meetings recorded already, by the importer's own
rules (matching.same_contact: the same days give or take one, the same people or
countries, a compatible kind): a contact known from a readout and from a record
is one meeting with both. Nothing here writes: the documents go through the
loader, all or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from xml.parsers import expat

from django.db.models import Prefetch
from django_countries import countries

from readouts import documents as doc
from readouts.models import Attendance, Meeting, Record, RecordSource

from ..duplicates import PARTICLES, name_tokens
from ..names import not_a_name
from .draft import LIST_SPLIT, _people_list
from .matching import joined, same_contact
from .people import (
    Person,
    _office_at,
    clean_name,
    country_code,
    fold,
    parse_mention,
    split_office,
)
from .text import sentences
from .vocabulary import Known, Vocabulary

SOURCE = RecordSource.US_HISTORIAN.value
MAX_FILE = 20_000_000  # bytes; the largest of the Historian's files is about 160 KB
SITE = "https://history.state.gov/departmenthistory"

# The Historian's country ids that are not country names the project knows.
COUNTRY_IDS = {
    "china": "CN",
    "congo-democratic-republic": "CD",
    "congo-republic": "CG",
    "denmark": "DK",
    "germany": "DE",
    "holy-see": "VA",
    "korea-south": "KR",
    "korea-north": "KP",
    "samoa": "WS",
    "somoa": "WS",
    "somalia": "SO",
    "west-bank": "PS",
    "palestinian-authority": "PS",
}

# Presidents in office, who receive a visit to the United States.
PRESIDENTS = [
    (dt.date(2017, 1, 20), dt.date(2021, 1, 19), "Donald Trump"),
    (dt.date(2021, 1, 20), dt.date(2025, 1, 19), "Joe Biden"),
    (dt.date(2025, 1, 20), dt.date(2029, 1, 19), "Donald Trump"),
]
# Travellers by the Historian's id for them: the name they are recorded under, and the
# office a trip's role stands for.
TRAVELLERS = {"biden-joseph-r": "Joe Biden", "blinken-antony-j": "Antony Blinken"}
ROLES = {"president": "President", "secretary": "Secretary of State"}

# Styles that go with a single name: "King Philippe", "Pope Francis".
REGNAL = re.compile(r"\b(?:King|Queen|Pope|Emperor|Grand Duke|Sultan|Amir|Emir|Majesty)\b")
MET_WITH = re.compile(r"\b(?:met|meet)\s+(?:separately\s+|jointly\s+)?with\s+", re.I)
# Where a list of the people met ends: another thing done ("and attended the NATO
# Summit", ", co-led a migration ministerial").
LIST_END = re.compile(
    r"(?:,\s*|\s+)(?:and\s+)?(?:also\s+)?(?:attended|participated|co-led|co-chaired|chaired|"
    r"led|launched|held|opened|attend|hosted|co-hosted|together with|along with|"
    r"to\s+(?:discuss|consult)|met)\b.*$",
    re.S,
)
NOT_PEOPLE = re.compile(
    r"\b(?:officials?|leaders?|counterparts?|members?|allies|partners|society|delegations?)\b",
    re.I,
)


NEAR = 0.85  # how alike two spellings of a family name are, at least (Zelensky, Zelenskyy)
ACRONYM = re.compile(r"^([A-Z]{2,})\s")


class UnreadableRecords(Exception):
    """A file that is not the Historian's XML; the message names the file and the line."""


@dataclass
class Element:
    tag: str
    attrib: dict[str, str]
    line: int
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def find(self, tag: str) -> Element | None:
        return next((child for child in self.children if child.tag == tag), None)

    def text_of(self, tag: str) -> str:
        found = self.find(tag)
        return found.text if found is not None else ""


def parse(path: Path) -> Element:
    """The file's elements with their line numbers. A DOCTYPE (with its entities) is
    refused: the Historian's files have none, and entities can be made to expand
    without end."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableRecords(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_FILE:
        raise UnreadableRecords(f"{name}: {len(data):,} bytes; the Historian's files are smaller")
    parser = expat.ParserCreate()
    stack: list[Element] = []
    root: list[Element] = []

    def start(tag: str, attrib: dict[str, str]) -> None:
        element = Element(tag, attrib, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].text += data

    def doctype(*args) -> None:
        raise UnreadableRecords(f"{name}:{parser.CurrentLineNumber}: a DOCTYPE is not accepted")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise UnreadableRecords(
            f"{name}:{exc.lineno}: not well-formed XML ({expat.errors.messages[exc.code]})"
        ) from exc
    return root[0]


@dataclass
class Entry:
    """One visit or trip as the file gives it."""

    kind: str  # "visit" or "trip"
    key: str
    date: dt.date
    end_date: dt.date | None
    country: str  # ISO code, "" when the project knows none (Kosovo)
    country_name: str
    place: str
    who: str  # the visitor (with their title) or the traveller
    role: str
    traveller: str  # the Historian's id for the traveller ("biden-joseph-r")
    text: str
    file: str
    line: int

    @property
    def label(self) -> str:
        return f"{self.kind} {self.key} ({self.date}, {self.who})"

    def record(self) -> doc.RecordEntry:
        return doc.record(
            SOURCE,
            self.kind,
            self.key,
            self.date.isoformat(),
            self.who,
            self.text,
            url=self.url,
            end_date=self.end_date.isoformat() if self.end_date else None,
            country=self.country,
            place=self.place,
            role=self.role,
        )

    @property
    def url(self) -> str:
        if self.kind == "visit":
            return f"{SITE}/visits/{self.date.year}"
        return f"{SITE}/travels/{self.role}/{self.traveller}" if self.traveller else ""


def joined_text(text: str) -> str:
    """The text as written, the file's line wrapping (a break and its indentation) joined."""
    return re.sub(r"\s*\n\s*", " ", text).strip()


def _country(element: Element, where: str) -> tuple[str, str]:
    found = element.find(where)
    if found is None:
        return "", ""
    name = joined_text(found.text)
    code = COUNTRY_IDS.get(found.attrib.get("id", "")) or country_code(name) or ""
    if code not in countries:
        return "", name
    # Its name as the project writes it ("South Korea", not "Korea, South").
    return code, str(countries.name(code))


def read_entries(path: Path) -> list[Entry]:
    """Every visit or trip of one of the Historian's files (raises UnreadableRecords)."""
    root = parse(path)
    name = str(path)
    if root.tag not in {"visits", "trips"}:
        raise UnreadableRecords(
            f"{name}:{root.line}: <{root.tag}> is not the Historian's <visits> or <trips>"
        )
    kind = root.tag[:-1]
    entries = []
    for element in root.children:
        where = f"{name}:{element.line}"
        if element.tag != kind:
            raise UnreadableRecords(f"{where}: <{element.tag}> where a <{kind}> was expected")
        key = joined_text(element.text_of("id"))
        if not key:
            raise UnreadableRecords(f"{where}: the {kind} has no <id>")
        dates = []
        for tag in ("start-date", "end-date"):
            text = joined_text(element.text_of(tag))
            try:
                dates.append(dt.date.fromisoformat(text) if text else None)
            except ValueError:
                raise UnreadableRecords(
                    f"{where}: {kind} {key}: <{tag}> {text!r} is not a date (YYYY-MM-DD)"
                ) from None
        start, end = dates
        if start is None:
            raise UnreadableRecords(f"{where}: {kind} {key}: no <start-date>")
        if end is not None and end < start:
            raise UnreadableRecords(f"{where}: {kind} {key}: it ends before it starts")
        if kind == "visit":
            who = joined_text(element.text_of("visitor"))
            text = joined_text(element.text_of("description"))
            code, country_name = _country(element, "from")
            role, traveller, place = "", "", ""
        else:
            who = joined_text(element.text_of("name"))
            text = joined_text(element.text_of("remarks"))
            code, country_name = _country(element, "country")
            role = joined_text(element.text_of("role")) or element.attrib.get("role", "")
            traveller = element.attrib.get("who", "")
            place = joined_text(element.text_of("locale"))
        if not who:
            raise UnreadableRecords(f"{where}: {kind} {key}: nobody is named")
        entries.append(
            Entry(
                kind=kind,
                key=key,
                date=start,
                end_date=end if end and end != start else None,
                country=code,
                country_name=country_name,
                place=place[:200],
                who=who,
                role=role,
                traveller=traveller,
                text=text or "(no description)",
                file=name,
                line=element.line,
            )
        )
    return entries


# --- drafting ----------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one entry: a line per contact, for the report."""

    entry: Entry
    lines: list[str] = field(default_factory=list)
    matched: int = 0  # contacts joined to a meeting recorded already
    created: int = 0  # contacts drafted as new meetings
    ambiguous: int = 0  # several recorded meetings could be the contact
    skipped: int = 0  # people named who could not be told


@dataclass
class RecordsImport:
    documents: list[doc.Document]
    outcomes: list[Outcome]

    def total(self, what: str) -> int:
        return sum(getattr(outcome, what) for outcome in self.outcomes)


def counterparts(entry: Entry) -> list[Person]:
    """The people a trip's remarks say the traveller met, in order."""
    return _counterparts(entry)[0]


def _counterparts(entry: Entry) -> tuple[list[Person], list[str]]:
    """The people a trip's remarks say the traveller met, and the phrases of those lists
    that seem to name someone but could not be read as anyone (to be reported)."""
    people: list[Person] = []
    unread: list[str] = []
    for sentence in sentences(entry.text):
        for found in MET_WITH.finditer(sentence):
            listed = LIST_END.sub("", sentence[found.end() :].rstrip(". "))
            read = _people_list(listed)
            people += [
                person
                for person in read
                if not NOT_PEOPLE.search(person.name) and not not_a_name(person.name)
            ]
            unread += _unread(listed, read)
    return people, unread


def _unread(listed: str, read: list[Person]) -> list[str]:
    """The parts of a list of people met that name someone (an office followed by a
    capitalised word) and that none of the people read from it is in."""
    told = {word for person in read for word in fold(person.name).split()}
    phrases = []
    for part in LIST_SPLIT.split(listed):
        part = part.strip()
        if not part or NOT_PEOPLE.search(part):
            continue
        office, rest = split_office(part + " X")
        named = [w for w in rest.split()[:-1] if w[:1].isupper()]
        if office and named and not told & set(fold(" ".join(named)).split()):
            phrases.append(part)
    return phrases


def visitor(entry: Entry) -> list[Person]:
    person = parse_mention(entry.who) or Person(name=clean_name(entry.who))
    if len(person.name.split()) == 1 and not REGNAL.search(person.title):
        # "President Hassan Sheikh Mohamud": a word of the name read as an office. The
        # visitor is one person, named in full: the first office is the title.
        office = _office_at(entry.who)
        if office is not None:
            person.title = office.group(0)
            person.name = clean_name(entry.who[office.end() :])
    if person.country is None:
        person.country = entry.country
    return [person]


def president_on(day: dt.date) -> str | None:
    return next((name for first, last, name in PRESIDENTS if first <= day <= last), None)


class Drafter:
    """Drafts the entries of one import against what is recorded and what the import
    itself names."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.drafted: dict[frozenset[str], list[doc.Document]] = defaultdict(list)
        self.joining: dict[str, doc.Document] = {}  # by the recorded meeting's slug
        self.slugs: set[str] = set()
        self.linked = self._linked()

    @staticmethod
    def _linked() -> dict[tuple[str, str], list[tuple[Meeting, set[str]]]]:
        """The meetings the Historian's records stored already know of, with who attends
        them, by entry: an import run again finds its contacts there first."""
        records = Record.objects.filter(source=SOURCE).prefetch_related(
            Prefetch(
                "meetings",
                queryset=Meeting.objects.order_by("date", "slug").prefetch_related(
                    Prefetch(
                        "attendances", queryset=Attendance.objects.select_related("participant")
                    )
                ),
            )
        )
        return {
            (record.kind, record.key): [
                (meeting, {a.participant.slug for a in meeting.attendances.all()})
                for meeting in record.meetings.all()
            ]
            for record in records
        }

    def match(self, person: Person) -> Known | None:
        """The recorded (or already proposed) person this is: by name, alias or family name
        and country (Vocabulary.match); else the one of their country whose name is this
        one written longer or shorter ("Guillermo Lasso Mendoza", "Guillermo Lasso"), or
        with the same given name and a family name spelt nearly the same ("Zelensky",
        "Zelenskyy")."""
        known = self.vocabulary.match(person)
        if known is not None or not person.country:
            return known
        mine = name_tokens(person.name)
        if not mine:
            return None
        regnal = bool(REGNAL.search(person.title))
        near = {
            k.slug: k
            for k in self.vocabulary.people
            if k.country == person.country and _same_person(mine, name_tokens(k.name), regnal)
        }
        return next(iter(near.values())) if len(near) == 1 else None

    def learn(self, entries: list[Entry]) -> None:
        """Everyone named in full, first: a family name alone elsewhere is then one of them."""
        for entry in entries:
            for person in self._named(entry):
                if len(person.name.split()) > 1 and self.match(person) is None:
                    self._propose(person)

    def _named(self, entry: Entry) -> list[Person]:
        people = visitor(entry) if entry.kind == "visit" else counterparts(entry)
        for person in people:
            acronym = ACRONYM.match(person.title)
            if acronym and not person.organization and country_code(acronym.group(1)) is None:
                # "OECD Secretary General Mathias Cormann": of the OECD, not of France.
                person.organization, person.country = acronym.group(1), ""
            if person.country is None and not person.organization:
                known = self.match(person)
                person.country = known.country if known else entry.country
        return people

    def _propose(self, person: Person) -> Known:
        known = Known(
            self.vocabulary.new_slug(person.name),
            person.name,
            person.country or "",
            person.organization,
        )
        self.vocabulary.add(known)
        self.new_people[known.slug] = person
        return known

    new_people: dict[str, Person]

    def host(self, entry: Entry) -> tuple[Known | None, str]:
        """The U.S. side: the President receiving a visit, or the traveller."""
        if entry.kind == "visit":
            name, title = president_on(entry.date), "President"
        else:
            name = TRAVELLERS.get(entry.traveller) or clean_name(entry.who)
            title = ROLES.get(entry.role, entry.role.title())
        if not name:
            return None, title
        person = Person(name=name, title=title, country="US")
        known = self.match(person)
        if known is None:
            known = self._propose(person)
            if fold(entry.who) != fold(name) and entry.kind == "trip":
                self.aliases[known.slug] = entry.who
        return known, title

    aliases: dict[str, str]

    def draft(self, entries: list[Entry]) -> RecordsImport:
        self.new_people = {}
        self.aliases = {}
        self.learn(entries)
        documents, outcomes = [], []
        for entry in entries:
            outcome = Outcome(entry)
            outcomes.append(outcome)
            host, host_title = self.host(entry)
            people = self._named(entry)
            unread = _counterparts(entry)[1] if entry.kind == "trip" else []
            for phrase in unread:
                outcome.skipped += 1
                outcome.lines.append(f"{phrase}: not read as a name; no contact drafted")
            if host is None:
                outcome.lines.append("no U.S. side is known for its date: not drafted")
                outcome.skipped += len(people)
                continue
            if not people:
                outcome.lines.append("names no one met: no contact drafted")
            # The people one entry names are so many people: "Met with Prime Minister Boris
            # Johnson and Queen Elizabeth II" is two contacts.
            named = [self.match(person) for person in people]
            for person in people:
                known = self.match(person)
                if known is None and (len(person.name.split()) > 1 or REGNAL.search(person.title)):
                    known = self._propose(person)
                if known is None:
                    outcome.skipped += 1
                    outcome.lines.append(
                        f"{person.title} {person.name}".strip()
                        + ": only a family name, and nobody recorded or named in full has it; "
                        "no contact drafted"
                    )
                    continue
                if known.slug == host.slug or (known.country == "US" and not person.organization):
                    continue  # someone of the U.S. side, not a counterpart
                others = {k.slug for k in named if k is not None} - {known.slug}
                document, how, slug, candidates = self._contact(
                    entry, host, host_title, known, person, others
                )
                if document is not None:
                    documents.append(document)
                _describe(outcome, known, how, slug, candidates)
        return RecordsImport(documents, outcomes)

    def _contact(
        self,
        entry: Entry,
        host: Known,
        host_title: str,
        known: Known,
        person: Person,
        others: set[str] = frozenset(),
    ) -> tuple[doc.Document | None, str, str, list[Meeting]]:
        """The meeting of one contact: one recorded (with this record added), one drafted
        earlier in this import (no new document then), or a new one; with which it is,
        its slug and, where several recorded meetings could be it, those."""
        pair = frozenset({host.slug, known.slug})
        for earlier in self.drafted[pair]:
            if _overlaps(earlier["meeting"], entry):
                _add(earlier, {"participants": []}, entry)
                return None, "earlier", earlier["meeting"]["slug"], []
        document = doc.document(
            doc.meeting(
                "",
                entry.date.isoformat(),
                "visit" if entry.kind == "visit" else "meeting",
                _title(entry, host, host_title, known, person)[:500],
                end_date=entry.end_date.isoformat() if entry.end_date else None,
                location=_location(entry)[:200],
            ),
            [self._entry(host, host_title), self._entry(known, person.title)],
            [],
            records=[entry.record()],
        )
        stored = [
            meeting
            for meeting, attending in self.linked.get((entry.kind, entry.key), [])
            if {host.slug, known.slug} <= attending
        ]
        # A name written two ways is matched already (by name, alias or family name and
        # country): a recorded meeting with neither person is another contact of the two
        # countries (Blinken and Lapid in Rome are not Biden and Rivlin in Washington).
        candidates = [
            (m, {a.participant.slug for a in m.attendances.all()}) for m in same_contact(document)
        ]
        # Of those, the meetings of both people, else those of the counterpart, else the
        # host's with a compatriot of the counterpart who is not another person the entry
        # names.
        found = stored or next(
            (
                group
                for group in (
                    [m for m, attending in candidates if pair <= attending],
                    [m for m, attending in candidates if known.slug in attending],
                    [
                        m
                        for m, attending in candidates
                        if attending & pair and not attending & others
                    ],
                )
                if group
            ),
            [],
        )
        if len(found) == 1:
            earlier = self.joining.get(found[0].slug)
            if earlier is not None:
                # Another entry's contact joined this meeting already (a summit's guests).
                if entry.kind == "visit":
                    document["participants"] = document["participants"][1:]  # as below
                _add(earlier, document, entry)
                return None, "joined", found[0].slug, []
            document = joined(document, found[0])
            # The meeting as recorded, its place too: one load must say one thing of it.
            document["meeting"]["location"] = found[0].location
            if entry.kind == "visit":
                # The President receiving a visit is inferred, not recorded: a meeting that
                # a readout tells of keeps the people it names.
                document["participants"] = [
                    p for p in document["participants"] if len(p) == 1 or p["slug"] != host.slug
                ]
            self.joining[found[0].slug] = document
            how = "joined"
        else:
            principals = sorted([host, known], key=lambda k: (k.country or "~", k.slug))
            base = f"{entry.date.isoformat()}-{'-'.join(k.slug for k in principals)}"[:190]
            slug, n = base, 2
            while slug in self.slugs or Meeting.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            document["meeting"]["slug"] = slug
            how = "ambiguous" if found else "new"
        self.slugs.add(document["meeting"]["slug"])
        self.drafted[pair].append(document)
        return document, how, document["meeting"]["slug"], found if how == "ambiguous" else []

    def _entry(self, known: Known, title: str) -> doc.ParticipantEntry:
        person = self.new_people.get(known.slug)
        if person is None:
            return doc.participant(known.slug, title=title)
        alias = self.aliases.get(known.slug)
        return doc.participant(
            known.slug,
            name=known.name,
            country=known.country,
            organization=known.organization or None,
            aliases=[alias] if alias else None,
            title=title,
        )


def _describe(outcome: Outcome, known: Known, how: str, slug: str, candidates: list) -> None:
    who = known.name
    if how == "earlier":
        outcome.matched += 1
        outcome.lines.append(f"{who}: the contact of an earlier entry, meeting {slug}")
    elif how == "joined":
        outcome.matched += 1
        outcome.lines.append(f"{who}: joins the recorded meeting {slug}")
    elif how == "ambiguous":
        outcome.ambiguous += 1
        outcome.created += 1
        names = ", ".join(m.slug for m in candidates)
        outcome.lines.append(
            f"{who}: could be any of the recorded meetings {names}; drafted as a new "
            f"meeting {slug}, for an analyst to decide"
        )
    else:
        outcome.created += 1
        outcome.lines.append(f"{who}: new meeting {slug}")


def _same_person(mine: tuple[str, ...], theirs: tuple[str, ...], regnal: bool) -> bool:
    """Two names of one country that are likely one person's (see match)."""
    if not theirs or mine == theirs:
        return bool(theirs)
    short, long = sorted([mine, theirs], key=len)
    if len(short) == 1:
        # A family name alone; or a monarch's one name ("Abdullah", "King Abdullah II bin
        # Al-Hussein"), never a given name ("Queen Elizabeth II" is not Elizabeth Truss).
        return short[0] == long[-1] or (regnal and len(theirs) == 1 and short[0] == long[0])
    if any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1)):
        return True
    if _within(short, long):
        return True
    return (
        len(mine) > 1
        and len(theirs) > 1
        and mine[0] == theirs[0]
        and SequenceMatcher(None, mine[-1], theirs[-1]).ratio() >= NEAR
    )


def _within(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether a name of two words or more is another one written longer: the same first
    word, and each of its words in the other in order, a particle run in aside ("Felix
    Tshisekedi" in "Felix Antoine Tshisekedi Tshilombo", "Abdel Fattah Al-Sisi" in "Abdel
    Fattah Said Alsisi")."""
    if len(short) < 2 or short[0] != long[0]:
        return False
    rest = iter(long[1:])
    return all(
        any(
            word == theirs or (word.endswith(theirs) and word[: -len(theirs)] in PARTICLES)
            for word in rest
        )
        for theirs in short[1:]
    )


def _add(earlier: doc.Document, document: doc.Document, entry: Entry) -> None:
    """One more entry's contact in a document drafted already: its people, its record."""
    known = {p["slug"] for p in earlier["participants"]}
    earlier["participants"] += [p for p in document["participants"] if p["slug"] not in known]
    records = earlier.setdefault("records", [])
    if all((r["kind"], r["key"]) != (entry.kind, entry.key) for r in records):
        records.append(entry.record())


def _overlaps(meeting: doc.MeetingEntry, entry: Entry) -> bool:
    first = dt.date.fromisoformat(meeting["date"])
    last = dt.date.fromisoformat(meeting.get("end_date") or meeting["date"])
    return first - dt.timedelta(days=1) <= (entry.end_date or entry.date) and (
        entry.date <= last + dt.timedelta(days=1)
    )


def _title(entry: Entry, host: Known, host_title: str, known: Known, person: Person) -> str:
    counterpart = f"{person.title} {known.name}".strip()
    if entry.kind == "visit":
        where = f" of {entry.country_name}" if entry.country_name else ""
        return f"Visit of {counterpart}{where} to the United States"
    where = entry.place or entry.country_name
    return f"{host_title} {host.name} meets {counterpart}" + (f" in {where}" if where else "")


def _location(entry: Entry) -> str:
    if entry.kind == "visit":
        return "United States"
    places = [entry.place, entry.country_name]
    return ", ".join(p for p in places if p)


def draft_records(
    paths: list[Path],
    vocabulary: Vocabulary | None = None,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> RecordsImport:
    """Draft the entries of the Historian's files (those from `since` to `until`) as
    readout documents. Raises UnreadableRecords, naming the file and line, for a file
    that cannot be read; nothing is drafted then."""
    entries = [entry for path in paths for entry in read_entries(Path(path))]
    entries = [
        e
        for e in entries
        if (since is None or e.date >= since) and (until is None or e.date <= until)
    ]
    seen: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        other = seen.setdefault((entry.kind, entry.key), entry)
        if other is not entry:
            raise UnreadableRecords(
                f"{entry.file}:{entry.line}: {entry.kind} {entry.key} is given again "
                f"(also at {other.file}:{other.line})"
            )
    return Drafter(vocabulary or Vocabulary.from_database()).draft(entries)
