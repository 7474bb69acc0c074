"""From a published readout to a draft readout document."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django_countries import countries

from readouts import documents as doc
from readouts.models import MeetingKind

from .people import (
    COUNTRY_ALIASES,
    DEMONYM_PATTERN,
    DEMONYMS,
    DOMESTIC_OFFICES,
    FOREIGN_OFFICES,
    OFFICE_INSIDE,
    OFFICES,
    WHEN,
    Person,
    clean_name,
    country_code,
    family_name_first,
    fold,
    organization,
    parse_mention,
    split_office,
    strip_honorifics,
)
from .text import Source, sentences

if TYPE_CHECKING:
    from .matching import Match
from .vocabulary import Known, Vocabulary


@dataclass
class Draft:
    """A drafted readout document, or the reason there is none."""

    document: dict | None
    diplomatic: bool
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    warnings: list = field(default_factory=list)  # DraftWarning: what to check, field by field
    match: Match | None = None  # the recorded meeting or readout it is, if any

    @property
    def slug(self) -> str:
        return self.document["meeting"]["slug"] if self.document else ""


# --- the title -------------------------------------------------------------------

# "Readout of …", "Readout from …" and "Readout: …" open a title alike.
READOUT_OF = r"Readout(?:\s+(?:of|from)\s+|\s*:\s*)"
KIND_WORDS = (
    r"(?:Secure |Virtual |Bilateral |Phone |Video |Telephone |Introductory |Trilateral )*"
    r"(?:Phone Call|Video Call|Call|Calls|Meeting|Meetings|Conversation|Dinner|Lunch|Breakfast|"
    r"Audience|"
    r"Discussion|Consultations|Talks|Visit|Trip|Engagement|Meeting and Call)"
)
TITLE_READOUT = re.compile(
    rf"^{READOUT_OF}(?:NSC Spokesperson(?:\s+[\w. ]+?)?\s+on\s+)?(?:the\s+)?"
    rf"(?P<host>.+?)(?:’s|'s|’|')?\s+(?P<what>{KIND_WORDS})\s+with\s+(?P<with>.+)$",
    re.I,
)
# "Joint Readout of the Meeting Between President Biden and Prime Minister Draghi": everyone
# is named together; the publisher's country tells its own side from the other.
TITLE_BETWEEN = re.compile(
    rf"^(?:Joint\s+)?{READOUT_OF}(?:the\s+)?(?P<what>{KIND_WORDS})\s+"
    r"(?:Between|Among|of)\s+(?P<with>.+)$",
    re.I,
)
TITLE_VERB = re.compile(
    r"^(?P<host>.+?)\s+(?P<what>Speaks|Meets|Met|Holds Talks|Holds Phone Talks|Holds a Phone Call|"
    r"Has a Phone Call|Has Phone Call|Holds Video Call|Holds a Video Call|Talks|Calls|Spoke)"
    r"(?:\s+on the Phone)?\s+with\s+(?P<with>.+)$",
    re.I,
)
WITH_TAIL = re.compile(
    r"\s+(?:on the margins of|on the sidelines of|on the phone|on the|at the|at|"
    r"to(?!\s+the\s+[A-Z])|during|about|"
    r"regarding|ahead of|following|via|in|by phone|by video)\b.*$",
    re.I,
)
SUFFIX_AFTER_COMMA = re.compile(r",\s+(?:Jr|Sr)\.(?=[\s,]|$)")  # "Joseph R. Biden, Jr."
LIST_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
# The longest title in the archive is about 220 characters; a longer "title" is a paragraph
# given as one (and reading names from it costs more than linear time).
MAX_TITLE = 1_000
# The most participants a readout in the archive names is 7 (a summit). Each participant adds
# forms to look for in every sentence, so there is a limit, generous for a summit's readout.
MAX_PARTICIPANTS = 50


# The longest mention in the archive, offices and name, is about 150 characters.
MAX_MENTION = 300
PLURAL_OFFICE = re.compile(
    r"\b(?P<office>(?:[A-Z][a-z]+\s+)?(?:President|Minister|Secretar(?=ies)|Leader|Chancellor|"
    r"Advis[eo]r|Ambassador))(?:s|ies)\s+(?P<first>[^,;]+?)\s+and\s+(?=[A-Z])"
)


def _one_office_each(text: str) -> str:
    """ "Presidents Klaus Iohannis of Romania and Andrzej Duda of Poland": one office each."""
    plural = PLURAL_OFFICE.search(text)
    if not plural or split_office(plural.group("first") + " X")[0]:
        return text
    office = plural.group("office") + ("y" if plural.group("office").endswith("Secretar") else "")
    return (
        f"{text[: plural.start()]}{office} {plural.group('first')} and {office} "
        f"{text[plural.end() :]}"
    )


def _people_list(text: str, *, tail: bool = True) -> list[Person]:
    """Read "Prime Minister Kallas of Estonia, President Levits of Latvia, and ..."."""
    text = SUFFIX_AFTER_COMMA.sub("", text.strip())
    text = WITH_TAIL.sub("", text) if tail else text
    text = re.sub(r"^both\s+", "", text)  # "met with both A and B"
    # "President Biden, joined by Vice President Harris,": both of them.
    text = re.sub(r",?\s+(?:joined|accompanied)\s+by\s+", ", ", text)
    text = _one_office_each(text)
    parts = [p for p in LIST_SPLIT.split(text) if p.strip()]
    people: list[Person] = []
    pending = ""
    for part in parts:
        phrase = f"{pending} and {part}" if pending else part
        person = parse_mention(phrase)
        office, rest = split_office(part.strip() + " X")
        if person is None and people and office and rest == "X" and not pending:
            # "Tomas Pojar, National Security Advisor of the Czech Republic"
            described = parse_mention(part.strip() + " " + people[-1].name)
            if described:
                people[-1].title = people[-1].title or described.title
                if people[-1].country is None:
                    people[-1].country = described.country
                people[-1].organization = people[-1].organization or described.organization
                continue
        if (
            person is None
            and people
            and not pending
            and (office or _an_office(part))
            and not people[-1].title
            and len(part) <= 200
        ):
            # "Frédéric Bernard, Head of Cabinet to the President of the European Council"
            people[-1].title = part.strip()
            at = [m.end() for m in re.finditer(r"\s+of\s+(?=(?:the\s+)?[A-Z])", part)]
            where = part[at[-1] :].strip() if at else ""
            if where and organization(where):
                people[-1].organization = organization(where)
                people[-1].country = ""
            continue
        shared = re.search(r"\s+of\s+((?:the\s+)?[A-Z][\w’'\- ]*)$", part)
        described = person is None or (not person.title and GROUP.search(person.name))
        if described and people and not pending and shared and country_code(shared.group(1)):
            # "Asta Skaisgiryte and Kestutis Budrys, Advisors to the President of Lithuania"
            for earlier in people:
                if earlier.country is None:
                    earlier.country = country_code(shared.group(1))
            continue
        if person is None:
            # An office with "and" in it ("State Councilor and Foreign Minister Wang Yi"); not
            # longer than a mention can be, so a run of them is not read again and again.
            pending = phrase if len(phrase) <= MAX_MENTION else ""
            continue
        pending = ""
        if not person.title and country_code(person.name):
            continue  # "... of Great Britain and Northern Ireland": a place, not a person
        people.append(person)
    # "Prime Minister Draghi of Italy and Diplomatic Advisor to the Prime Minister Mattiolo": an
    # adviser to someone named in the list is of their country.
    for person in people:
        served = re.search(r"\bto\s+the\s+(.+)$", person.title)
        if person.country is None and served:
            chief = next((p for p in people if p.title == served.group(1) and p.country), None)
            if chief is not None:
                person.country = chief.country
    # "President Parmelin and Foreign Minister Cassis of Switzerland": the country is shared.
    for i in range(len(people) - 2, -1, -1):
        if people[i].country is None and people[i + 1].country and not people[i + 1].organization:
            people[i].country = people[i + 1].country
    return people


def _an_office(part: str) -> bool:
    """Whether a list's part is an office only: "Executive Vice President of the European
    Commission" (an office this module knows, with words before it)."""
    head = re.split(r"\s+of\s+", part.strip(), maxsplit=1)[0]
    inside = OFFICE_INSIDE.search(f" {head} ")
    return (
        all(word[:1].isupper() for word in head.split())
        and inside is not None
        and inside.end() == len(head) + 1
    )


def _read_title(title: str) -> tuple[list[Person], list[Person], str]:
    """Hosts, counterparts and the kind word the title gives."""
    title = title.replace("\u00a0", " ")
    for pattern in (TITLE_READOUT, TITLE_VERB):
        match = pattern.match(title)
        if match:
            hosts = _people_list(match.group("host"), tail=False)
            counterparts = _people_list(match.group("with"))
            return hosts, counterparts, match.group("what")
    match = TITLE_BETWEEN.match(title)
    if match:
        everyone = [p for p in _people_list(match.group("with")) if not GROUP.search(p.name)]
        if len(everyone) >= 2:
            return [], everyone, match.group("what")
    return [], [], ""


# --- the body --------------------------------------------------------------------

# The opening contact: "<host> [also] spoke|met|... <no full stop> with <counterparts>", else
# "<host> welcomed|hosted|received <counterparts> to|at|in ...". As one pattern,
#   ^(?P<host>.+?)\s+(?:also\s+)?(?:VERBS)\b(?P<between>[^.]*?)\bwith\s+(?P<with>.+)$
#   |^(?P<host2>.+?)\s+(?:welcomed|hosted|received)\s+(?P<with2>.+?)\s+(?:to|at|in)\s+.*$
# it went over the rest of the sentence again for every verb ("X welcomed welcomed ..."), so
# _contact finds the same match from where the verbs, "with"s and full stops are.
CONTACT_VERB = re.compile(
    r"\s+(?:also\s+)?(?:spoke|met|held|had|talked|hosted|convened|received|welcomed|"
    r"joined(?!\s+by\b)|participated)\b"
)
CONTACT_WITH = re.compile(r"\bwith(?=\s.)")  # "with", then a space and something after it
WITH_REST = re.compile(r"with\s+(?P<with>.+)$")
WELCOME_VERB = re.compile(r"\s+(?:welcomed|hosted|received)")
WELCOME_PLACE = re.compile(r"\s+(?:to|at|in)(?=\s)")
# "Today the Quad Leaders (dash) Prime Minister Morrison of Australia, ... (dash) convened"
LISTED = re.compile(r"[–—]\s*(?P<with>[^–—]+?)\s*[–—]")
INTRO = re.compile(
    r"^(?:(?:On \w+, \w+ \d+, \d{4}|(?:Earlier|Today|Yesterday|Tonight|This morning|"
    r"This afternoon|This evening|This week|Last week|Earlier this week|This month|"
    r"Also|Additionally|Finally|Separately|"
    r"Moreover|Furthermore|Later|Specifically|Further|Lastly)"
    r"|(?:On|In|During|At|After|Following|Throughout|Before|Over|As|Today’s|More specifically|"
    r"If|When|While|Although|Though|Because|Given|Since|Once|Until|Unless|"
    r"In particular|To (?:that|this) end|Standing|[A-Z][a-z]+ing)"
    r"\b[^,]{0,120}(?:,\s+(?!the\b|both\b|they\b)[a-z][^,]{0,80})*),\s+)+"
)
JOINT = re.compile(
    r"^(?:the\s+|both\s+)?(?:two|three|four|five|six|seven|eight|several|all|both)?\s*"
    r"(?:senior\s+|heads of state\s+|(?:[A-Z][\w\-]*\s+){1,2})?"
    r"(?:sides|leaders|parties|delegations|officials|ministers|counterparts|presidents|"
    r"prime ministers|national security advisors|foreign ministers|participants|governments)\b"
    r"|^(?:they|both|together|their|the two)\b",
    re.I,
)
PRONOUN = re.compile(r"^(?:he|she)\b", re.I)
# After the counterpart, words that carry what was said: ", highlighting", " to discuss",
# " and reaffirmed", "about". Lower case only: ", Minister of Foreign Affairs" is a title.
CONTENT_AFTER = re.compile(
    r",\s+[a-z]|\s+to\s+(?!the\b|a\b|an\b)[a-z]+|\s+and\s+(?!the\b)[a-z]+(?:ed|ated)\b|"
    r"\b(?i:discuss|about|regarding|congratulat|reaffirm|underscor|express|thank|welcom|offer)"
)
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()  # noqa: SIM905
MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
MONTHS = {month: number for number, month in enumerate(MONTH_NAMES.split(), 1)}
MONTH = "|".join(MONTH_NAMES.split())
# "on June 12, 2021" or, day first, "on 12 June 2021"; a day is never the start of a year.
DATE_IN_TEXT = re.compile(
    r"\b(?:on|On)\s+(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+)?"
    rf"(?:(?P<month>{MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,\s+(?P<year>\d{{4}}))?"
    rf"|(?P<day_first>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month_after>{MONTH})"
    r"(?:,?\s+(?P<year_after>\d{4}))?)"
    r"(?!\d)"
)
SMALL_HOURS = 3  # a readout published before 03:00 was written the day before
MORNING = 9  # abroad, where the publisher's clock is not the meeting's: the same, before 09:00
WEEKDAY = re.compile(
    r"\b(?:on|On)\s+(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def _where(location: str, home: str) -> tuple[bool, ZoneInfo | None]:
    """Whether a drafted location is at home (the publisher's country), and the time zone of
    the country it names when it is abroad, where the tz database tells one.

    The last part of the place decides: "Woodside, California" and "the White House" are in
    the United States, "Bali, Indonesia" abroad; "in Seoul" alone is neither, as far as the
    draft can tell."""
    parts = [part.strip() for part in location.split(",") if part.strip()]
    if not parts:
        return False, None
    last = parts[-1]
    if home == "US" and (last in US_STATES or AT_HOME_IN_US.search(location)):
        return True, None
    code = country_code(last)
    if not code:
        return False, None
    return (True, None) if code == home else (False, _zone_of(code, parts[0]))


US_STATES = frozenset(
    """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia
    Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts
    Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon
    Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming""".split()  # noqa: SIM905
) | {
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Rhode Island", "South Carolina", "South Dakota", "West Virginia", "D.C.",
    "District of Columbia",
}  # fmt: skip
AT_HOME_IN_US = re.compile(r"\b(?:White House|Washington|Camp David|Oval Office)\b")


@cache
def _country_zones() -> dict[str, list[str]]:
    """The time zones the tz database lists for each country (its zone.tab)."""
    for table in (_packaged_zone_table(), Path("/usr/share/zoneinfo/zone.tab")):
        if table is not None and table.is_file():
            zones: dict[str, list[str]] = {}
            for line in table.read_text(encoding="utf-8").splitlines():
                fields = line.split("\t")
                if len(fields) >= 3 and not line.startswith("#"):
                    zones.setdefault(fields[0], []).append(fields[2])
            return zones
    return {}


def _packaged_zone_table() -> Path | None:
    try:
        import tzdata  # the tz database as a package (requirements.txt)
    except ImportError:
        return None
    return Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab"


def _zone_of(code: str, city: str) -> ZoneInfo | None:
    """A country's time zone: its only one, or the one named after the city ("Tokyo"); a
    country of several zones and a city none is named after has none that can be told."""
    zones = _country_zones().get(code, [])
    named = [z for z in zones if z.rsplit("/", 1)[-1].replace("_", " ") == city]
    name = zones[0] if len(zones) == 1 else (named[0] if named else None)
    try:
        return ZoneInfo(name) if name else None
    except (ValueError, OSError):
        return None


def _meeting_date(
    source: Source,
    first: str,
    notes: list[str],
    *,
    abroad: ZoneInfo | None = None,
    at_home: bool = False,
) -> dt.date | None:
    published = source.published_date
    relative = re.search(
        r"\b(?:today|yesterday|tonight|this (?:morning|afternoon|evening))\b", first, re.I
    )
    match = DATE_IN_TEXT.match(first) or (
        None
        if relative
        else re.search(
            r"\b(?:spoke|met|held|talked|convened|hosted|traveled|travelled)\b[^.]{0,60}?"
            + DATE_IN_TEXT.pattern.replace(r"\b(?:on|On)\s+", r"\b(?:(?:on|On)\s+)?", 1),
            first,
        )
    )
    if match:
        month = MONTHS[match.group("month") or match.group("month_after")]
        day = int(match.group("day") or match.group("day_first"))
        given = match.group("year") or match.group("year_after")
        year = int(given) if given else (published.year if published else None)
        if year is None:
            notes.append("the text gives a day but no year, and there is no published date")
            return None
        if not given and published and (month, day) > (published.month, published.day):
            year -= 1  # "on December 30" in a readout published in January
        try:
            return dt.date(year, month, day)
        except ValueError:
            notes.append(f"the text names a day that does not exist: {match.group(0)!r}")
    if published is None:
        return None
    if re.search(r"\byesterday\b", first, re.I):
        return published - dt.timedelta(days=1)
    stamp = source.published_at
    if relative and stamp is not None and stamp.tzinfo is not None and abroad is not None:
        # "Met today in Bali", published at 00:49 in Washington: Bali's today, when it was
        # published (14:49 there). A readout is written after the meeting: published before
        # the morning's business where they met, it tells of the day before there.
        local = stamp.astimezone(abroad)
        day = local.date() - dt.timedelta(days=1 if local.hour < MORNING else 0)
        if day != published:
            notes.append(
                f"published at {stamp:%H:%M} in the publisher's time, {local:%H:%M} where they "
                f"met: “today” was read as {day:%-d %B} there; check the date"
            )
        return day
    if (
        relative
        and at_home
        and abroad is None
        and stamp is not None
        and stamp.date() == published
        and stamp.hour < SMALL_HOURS
    ):
        # "Met today in Los Angeles", published at 00:04 in Washington: the day that had just
        # ended where they met. (Only for a place at home: without a place, or abroad, the
        # publisher's small hours may be the meeting's afternoon.)
        notes.append(
            f"published at {stamp:%H:%M}, just after midnight: “today” was read as the day "
            "before; check the date"
        )
        return published - dt.timedelta(days=1)
    weekday = WEEKDAY.search(first)
    if weekday and not re.search(r"\btoday\b", first, re.I):
        wanted = WEEKDAYS.index(weekday.group("weekday"))
        return published - dt.timedelta(days=(published.weekday() - wanted) % 7)
    if (
        not relative
        and stamp is not None
        and stamp.date() == published
        and stamp.hour < SMALL_HOURS
        and not (
            abroad is not None
            and stamp.tzinfo is not None
            and stamp.astimezone(abroad).hour >= MORNING
            and stamp.astimezone(abroad).date() == published
        )
    ):
        # "At the G7 Summit, President Biden met with ...", published at 02:54 and naming no
        # day: a readout of the new day's meeting says "today" (the archive's other fourteen
        # published in the small hours do), so this is the day that had just ended; unless
        # the place is known and it was that day's afternoon there already (Tokyo at 15:00).
        notes.append(
            f"published at {stamp:%H:%M}, just after midnight, and the text names no day: the "
            "meeting was read as the day before; check the date"
        )
        return published - dt.timedelta(days=1)
    return published


GROUP = re.compile(
    r"\b(?:Leaders|Allies|Partners|Counterparts|Representatives|Officials|Members|Group|"
    r"Advisors|Advisers|Ministers|Envoys|Delegations|Presidents|Heads)$"
)
# A sentence that lists who took part: "Participants in the call included ...", "Joining the
# call were the following leaders:", "In addition to the Vice President, the meeting included:".
PARTICIPANT_LIST = re.compile(
    r"^(?:Participants\s+in\s+the\s+(?:call|meeting|discussion)\s+(?:included|were)"
    r"|Joining\s+(?:[\w.,’' ]{1,60}?\s+)?(?:on\s+)?the\s+(?:call|meeting)\s+were"
    r"(?:\s+the\s+following(?:\s+leaders)?)?"
    r"|(?:In\s+addition\s+to\s+[^,]{1,60},\s+)?the\s+(?:call|meeting)\s+(?:included|was"
    r"\s+attended\s+by))\s*:?\s*(?P<list>.*)$",
    re.I,
)
OPENING_VERB = re.compile(r"\s(?:met|spoke|held|convened|hosted|talked|visited|travell?ed)\s")
MET_TOGETHER = re.compile(r"\s(?:met|spoke|held|talked|convened)\s")
HELD_TOGETHER = re.compile(
    r"^(?P<all>[^.]{1,1000}?)\s+(?:held|had)\s+an?\s+(?:\w+\s+){0,2}(?:call|meeting|"
    r"conversation)\b"
)


def _listed_participants(body_sentences: list[str], paragraphs: list[str]) -> list[Person]:
    """The people a multilateral readout lists as taking part, or []."""
    for sentence in body_sentences:
        found = PARTICIPANT_LIST.match(sentence)
        if not found:
            continue
        names = found.group("list").strip()
        if not names:
            # The list is the next paragraph: "- Bulgarian President Rumen Radev - ..."
            at = next((i for i, p in enumerate(paragraphs) if sentence in p), None)
            names = paragraphs[at + 1] if at is not None and at + 1 < len(paragraphs) else ""
        names = re.sub(r"(?:^|\s)-\s+", ", ", names).strip(" ,")
        names = re.sub(r",?\s+and\s+representatives\s+(?:from|of)\s+.*$", "", names)
        people = [p for p in _people_list(names, tail=False) if not GROUP.search(p.name)]
        if people:
            return people[:MAX_PARTICIPANTS]
    return []


# "Assistant Secretary ... Brian A. Nichols traveled to Haiti", "... led a delegation to Brazil"
TRAVELLED = re.compile(
    r"\s+(?:also\s+)?(?:traveled|travelled|visited|was\s+in|led\s+(?:a|the|an)\s+(?:[\w.\-]+\s+){0,3}?"
    r"delegation)\s+(?:to\s+)?(?:the\s+)?(?P<place>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3}"
    r"(?:,\s+[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3})?)"
)
ACCOMPANIED = re.compile(r"\b(?:accompanied|joined)\s+by\s+(?P<list>[^.;]{1,1000})")
ALSO_TRAVELLED = re.compile(
    r"^(?P<list>[^;]{1,1000}?)\s+(?:also\s+)?(?:traveled|travelled)\s+with\s+(?:the|him|her)\b"
)
GOVERNMENT_INCLUDED = re.compile(
    r"^(?:Additional\s+|Other\s+)?(?:representatives|officials|members)\s+of\s+the\s+"
    r"(?:Government|government)\s+of\s+(?P<country>(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)"
    r"{0,3})\s+(?:included|were)\s+(?P<list>.{1,2000})$"
)
MET_WITH = re.compile(
    r"\b(?:met|meets|meet|spoke|held\s+(?:talks|meetings))\s+(?:separately\s+|also\s+)?"
    r"(?:for\s+[\w\-]+(?:\s+[\w\-]+)?\s+)?"  # "met for ninety minutes with"
    r"with\s+(?P<list>[^;]{1,1000})"
)
# "... Fiji, where they met with Prime Minister Frank Bainimarama": the place the people met are of.
MET_WHERE = re.compile(
    r"(?P<place>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3}),?\s+where\s+(?:they|he|she|the\s+"
    r"delegation|we)\s+(?:also\s+)?$"
)
NEXT_STOP = re.compile(r",\s+(?:and\s+)?(?=[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3},\s+where\s)")
# "a high-level U.S. delegation (dash) led by A, B and C (dash) visited ...": who travelled.
DELEGATION_LED = re.compile(r"\bdelegation\s*[–—,]?\s*(?:was\s+)?led\s+by\s+(?P<list>[^–—]+)")
HOSTED_BY = re.compile(r"\b(?:co-)?hosted\s+by\s+(?P<list>[^.;]{1,600})")
LED_BY = re.compile(
    r"\b(?:The|the)\s+(?P<demonym>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)?)\s+(?:[\w\-]+\s+){0,2}?"
    r"delegation\s+(?:was\s+)?(?:led|headed)\s+by\s+(?P<who>[^.;]{1,300})"
)
COUNTERPART_NAMED = re.compile(
    rf"\b(?:his|her|their)\s+(?P<demonym>{DEMONYM_PATTERN})\s+counterpart,?\s+"
    r"(?P<who>[A-Z][\w\-’']*(?:\s+(?:[A-Z][\w\-’']*|bin|al|de|van|von)){1,4})"
)
LED_OWN_SIDE = re.compile(
    r"\s+(?:led|headed|participated|joined|took\s+part|co-chaired|chaired|co-hosted)\b"
)
# How far into a trip's readout the people met are looked for.
TRIP_SENTENCES = 12


def _trip(body_sentences: list[str], title: str) -> tuple[list[Person], list[Person], str] | None:
    """A readout of a trip: (travellers, the people they met, the country visited), or None."""
    if not body_sentences:
        return None
    opening = INTRO.sub("", body_sentences[0])
    went = TRAVELLED.search(opening)
    if not went or not TRAVEL.search(f"{title} {body_sentences[0]}"):
        return None
    led = DELEGATION_LED.search(opening, 0, went.start())
    if led:
        travellers = _people_list(led.group("list").strip(" ,"), tail=False)
    else:
        travellers = _people_list(opening[: went.start()], tail=False)
    if not travellers:
        return None
    for sentence in body_sentences[:3]:
        company = ACCOMPANIED.search(sentence) or ALSO_TRAVELLED.match(sentence)
        if company:
            travellers += [p for p in _people_list(company.group("list")) if p.title]
    met: list[Person] = []
    # "... in Fiji, where they met with A, and Papua New Guinea, where they met with B": each
    # place with those met there.
    stops = (
        stop for sentence in body_sentences[:TRIP_SENTENCES] for stop in NEXT_STOP.split(sentence)
    )
    for sentence in stops:
        for found in MET_WITH.finditer(sentence):
            people = [
                p for p in _people_list(found.group("list")) if p.title and not GROUP.search(p.name)
            ]
            where = MET_WHERE.search(sentence[max(0, found.start() - 80) : found.start()])
            for person in people:
                if where and person.country is None and not person.organization:
                    person.country = country_code(where.group("place")) or None
            met += people
    for sentence in body_sentences:
        # "Additional representatives of the Government of Mexico included ..."
        listed = GOVERNMENT_INCLUDED.match(sentence)
        if listed and met:
            code = country_code(listed.group("country"))
            for person in _people_list(listed.group("list"), tail=False):
                if person.title and not GROUP.search(person.name):
                    person.country = person.country or code
                    met.append(person)
    if not met:
        return None
    # "Haiti", "Brasilia, Brazil": the country is the place or the part after its comma.
    country = ""
    for part in reversed(went.group("place").split(",")):
        words = part.split()
        country = next(
            (c for n in range(len(words), 0, -1) if (c := country_code(" ".join(words[:n])))), ""
        )
        if country:
            break
    if not country:
        # "was in New Delhi", and the title says "Travel to India".
        to = re.search(
            r"\b(?:to|in)\s+(?:the\s+)?([A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3})$", title
        )
        country = (country_code(to.group(1)) or "") if to else ""
    return travellers, met[:MAX_PARTICIPANTS], country


ALSO_ATTENDING = re.compile(
    r"(?P<who>(?:[A-Z][\w.’'\-]*\s+){1,8}?[A-Z][\w’'\-]+),\s+who\s+(?:was|were)\s+also\s+"
    r"(?:in\s+attendance|present)\b"
)
DROPPED_BY = re.compile(r"\s+(?:also\s+)?(?:briefly\s+)?(?:dropped|stopped)\s+by\b")
# How long a name with its office can be before "dropped by".
MAX_VISITOR = 150


def _dropped_by(body_sentences: list[str]) -> list[Person]:
    """Those who "dropped by" ("stopped by") the meeting: named with an office."""
    visitors = []
    for sentence in body_sentences:
        text = INTRO.sub("", sentence)
        found = DROPPED_BY.search(text, 0, MAX_VISITOR + 30)
        if found and found.start() <= MAX_VISITOR:
            person = parse_mention(SUFFIX_AFTER_COMMA.sub("", text[: found.start()]))
            if person is not None and person.title and not GROUP.search(person.name):
                visitors.append(person)
    return visitors


def _kind(title_word: str, title: str, first_sentence: str) -> str:
    context = f"{title} {first_sentence}".lower()
    word = title_word.lower()
    if re.search(r"video|virtual(?:ly)?\b|videoconference", context) and (
        "call" in word or ("meeting" in word and "virtual" in context) or not word
    ):
        return MeetingKind.VIDEO_CALL
    if re.search(r"\bcall|phone|conversation\b", word) or word in {"speaks", "spoke", "calls"}:
        return MeetingKind.PHONE_CALL
    if "talks" in word:
        return MeetingKind.TALKS
    if re.search(r"visit|trip", word):
        return MeetingKind.VISIT
    if re.search(
        r"meet|met|dinner|lunch|breakfast|discussion|consultation|engagement|audience", word
    ):
        return MeetingKind.MEETING
    if not word and re.search(r"\bcalls?\b", title.lower()):
        return MeetingKind.PHONE_CALL
    if re.search(r"\b(?:by phone|phone call|telephone|spoke)\b", context):
        return MeetingKind.PHONE_CALL
    if re.search(r"\bmet\b|\bmeeting\b|\broundtable\b", context):
        return MeetingKind.MEETING
    if re.search(r"\bmessages?\b|\bletters?\b", context):
        return MeetingKind.MESSAGES
    return MeetingKind.OTHER


# Where a meeting took place, as the opening names it: "in Woodside, California", "at the White
# House", "on the margins of the G20 in Bali", "traveled to Brasilia, Brazil". One capitalised
# place name, and optionally ", Region" after it; tried only where the sentence says who met,
# not in what they went on to discuss ("... to discuss the situation in Gaza").
PLACE_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'\-]*\.?)"  # "Woodside", "D.C."
PLACE = re.compile(
    r"\b(?:in|at|to|visited)\s+(?:the\s+)?"
    rf"(?P<place>{PLACE_WORD}(?:\s+{PLACE_WORD}){{0,3}}"
    rf"(?:,\s+(?!(?:and|to|the)\b){PLACE_WORD}(?:\s+{PLACE_WORD}){{0,2}})?)"
)
NOT_PLACES = re.compile(
    rf"^(?:{MONTH_NAMES.replace(' ', '|')}|{'|'.join(WEEKDAYS)}|President|Prime|Vice|"
    r"Secretary|Minister|National|Headquarters|His|Her|Their|Our|U\.S|United States|"
    r"America|Office of|G-?\d+)\b"
    r"|(?:Summit|Assembly|Conference|Meeting|Meetings|Forum|Dialogue|Session|Talks|Group|"
    r"Council|Forces|Command)\b"
)
CONTENT_START = re.compile(
    r"\s+to\s+(?!the\b|[A-Z])[a-z]+|,?\s+and\s+[a-z]+ed\b|,\s+(?:and\s+)?[a-z]+ing\b|"
    r"\s+(?:about|regarding|for|where)\s+(?![A-Z])"
)
TRAVEL = re.compile(r"\b(?:travel(?:l?ed)?|trip|visit(?:ed)?)\s+to\b|\bvisited\b", re.I)


def _location(title: str, first: str, kind: str) -> str:
    """The place the opening (or a travel readout's title) names, or ""."""
    if kind in (MeetingKind.PHONE_CALL, MeetingKind.VIDEO_CALL):
        return ""
    content = CONTENT_START.search(first)
    opening = first[: content.start()] if content else first
    for text in (opening, title if TRAVEL.search(title) else ""):
        for match in PLACE.finditer(text):
            if match.group(0).startswith("to") and not (
                TRAVEL.search(text[max(0, match.start() - 30) : match.end()])
                or WELCOME_VERB.search(text[: match.start()])
            ):
                continue  # "welcomed X to the White House" is a place; "spoke to" is not
            # "Washington, D.C." keeps its full stop and ends there; "Bali." does not.
            place = re.sub(r"((?:[A-Z]\.){2,})\s.*$", r"\1", match.group("place"))
            place = re.sub(r"(?<![A-Z]\.[A-Z])\.$", "", place)
            town, comma, rest = place.partition(",")
            if comma and split_office(rest.strip() + " X")[0]:
                place = town  # "in Jeddah, President Biden met ...": the place ends at the comma
            if NOT_PLACES.search(place) or (country_code(place) == "US" and "," not in place):
                continue
            return place
    return ""


def _first_clause(text: str) -> str:
    """Text up to its first full stop or semicolon; "Dr.", "Gen." and initials do not end it."""
    found = sentences(text)
    return found[0].split(";")[0] if found else ""


def _contact(sentence: str) -> tuple[str, str] | None:
    """The host and the counterparts an opening sentence names, as the pattern above reads them.

    Linear in the sentence (a pattern trying every verb would be quadratic). The sentence is
    one line, as sentences() gives them: "." in the pattern never meets a line break.
    """
    withs = [m.start() for m in CONTACT_WITH.finditer(sentence)]
    stops = [m.start() for m in re.finditer(r"\.", sentence)]
    # The host is as short as can be: the first verb (after at least one character) that has a
    # "with" after it before any full stop.
    for verb in CONTACT_VERB.finditer(sentence, 1):
        k = bisect.bisect_left(withs, verb.end())
        if k == len(withs):
            break  # no "with" after this verb, nor after any later one
        stop = bisect.bisect_left(stops, verb.end())
        if stop == len(stops) or stops[stop] > withs[k]:
            return sentence[: verb.start()], WITH_REST.match(sentence, withs[k]).group("with")
    # Else "welcomed <counterparts> to": <counterparts> is as short as can be, and ends in the
    # spaces before the first "to", "at" or "in" (itself followed by a space) after it.
    places = [(m.start(), m.end() - 2) for m in WELCOME_PLACE.finditer(sentence)]  # the spaces
    ends = [space_end for _, space_end in places]
    for verb in WELCOME_VERB.finditer(sentence, 1):
        start = verb.end()
        while start < len(sentence) and sentence[start].isspace():
            start += 1
        if start == verb.end():
            continue  # "welcomedX": the pattern wants a space after the verb
        # The counterparts start after the spaces (at least one character), and their end is
        # the first place after that; failing that, the pattern gives back the spaces after
        # the verb, and three or more of them before a "to" make one space the counterparts.
        k = bisect.bisect_right(ends, start + 1)
        if k < len(places):
            end = max(places[k][0], start + 1)
            return sentence[: verb.start()], sentence[start:end]
        if start - verb.end() >= 3 and places and places[-1][1] == start:
            return sentence[: verb.start()], sentence[start - 2 : start - 1]
    return None


# --- participants ----------------------------------------------------------------

TITLE_WORD = re.compile(r"^(?:[A-Z][\w\-’']*|of|the|and|for|on|de|,)$")


def _title_before(sentence: str, start: int) -> str:
    """The office written just before a name: "Russian Foreign Minister" -> "Foreign Minister"."""
    before = sentence[:start].rstrip()
    tokens = re.findall(r"[^\s,]+|,", before)
    taken: list[str] = []
    for token in reversed(tokens):
        if token in {"with", "With", "and"} and taken and taken[-1] not in {"and"}:
            if token == "and" and taken and not taken[-1][0].isupper():
                break
            if token == "and":
                taken.append(token)
                continue
            break
        if token == "," and taken:
            taken.append(token)
            continue
        if not TITLE_WORD.match(token) or re.search(r"\d", token):
            break
        taken.append(token)
    words = list(reversed(taken))
    while words and words[0] in {",", "and", "of", "the", "The", "for", "on"}:
        words.pop(0)
    while words and words[-1] in {",", "and", "of", "the"}:
        words.pop()
    title = WHEN.sub("", " ".join(words).replace(" ,", ","))
    # The leading month in "On October 27, 2022, Member of ..." never gets here (digits stop it).
    demonym = re.match(rf"^(?:{DEMONYM_PATTERN})\s+", title)
    if demonym:
        title = title[demonym.end() :]
    return strip_honorifics(title) if title != "The" else ""


def _demonym_before(sentence: str, start: int) -> str | None:
    """The nationality written before an office: "Chinese Communist Party Politburo Member ..."."""
    before = sentence[:start]
    found = re.findall(
        rf"\b({DEMONYM_PATTERN})\s+(?:(?:[A-Z][\w\-’']*|of|the|and|for),?\s+){{0,14}}$", before
    )
    return DEMONYMS.get(found[-1]) or None if found else None


def _enrich(person: Person, body_sentences: list[str]) -> None:
    """Fill in the full name, office and country from the first mention in the body."""
    if len(person.name.split()) == 1:
        for sentence in body_sentences[:6]:
            if not person.title:
                break
            # "Prime Minister Kishida Fumio", "Prime Minister Lee Hsien Loong": the rest of the
            # name after the one word the title gave.
            after = re.search(
                rf"\b{re.escape(person.title)}\s+{re.escape(person.name)}"
                r"((?:\s+[A-Z][a-z][\w\-]*){1,3})\b(?!\s+[A-Z]|[’'\-]|\s+(?:Jr|Sr)\.)",
                sentence,
            )
            more = after.group(1).split() if after else []
            if more and not any(
                word in {"Of", "The"} or any(word == o.split()[0] for o in OFFICES) for word in more
            ):
                person.name = " ".join([person.name, *more])
                break
    surname = re.escape(person.surname)
    given = re.escape(person.given) + r"\s+(?:[A-Z]\.\s+)?" if person.given else ""
    # A middle initial may stand before the surname: "Antony J. Blinken" for "Blinken".
    initial = r"(?:[A-Z]\.\s+)?" if not given else ""
    full = re.compile(rf"\b((?:[A-Z][\w\-’']+\s+){{0,3}}?){initial}({given}{surname})\b")
    for sentence in body_sentences[:6]:
        for match in full.finditer(sentence):
            extra = match.group(1).split()
            # Capitalised words just before the surname that are not an office are given names.
            names = []
            for word in reversed(extra):
                if any(word == o.split()[-1] for o in OFFICES) or re.match(
                    rf"^(?:{DEMONYM_PATTERN})$", word
                ):
                    break
                if word in {"The", "On", "In", "During", "President", "Mr.", "Ms."}:
                    break
                names.insert(0, word)
            if names and not person.given and 1 <= len(names) <= 2:
                # "Luiz Inácio Lula da Silva": the name goes on after a particle.
                more = NAME_GOES_ON.match(sentence, match.end(2))
                after = more.group(0).split() if more else []
                person.name = " ".join([*names, person.name, *after])
            start = match.end(1) - sum(len(w) + 1 for w in names) if names else match.start(2)
            if not person.title:
                person.title = _title_before(sentence, start)
            else:
                # Several offices held at once, the title giving the first ("Politburo Member")
                # and the body all of them ("... Politburo Member and Director of the Office
                # of the Foreign Affairs Commission Yang Jiechi"): all, from that office on.
                fuller = _title_before(sentence, match.start(2))
                at = fuller.find(person.title + " and ")
                if at >= 0 and (at == 0 or fuller[at - 1] == " "):
                    person.title = fuller[at:]
            if person.country is None:
                person.country = _demonym_before(sentence, start)
            if person.country is None:
                after = re.match(
                    r"^(?:,\s+[A-Z][\w\- ]*?)?\s+of\s+"
                    r"((?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,4})",
                    sentence[match.end() :],
                )
                if after:
                    words = after.group(1).split()
                    for n in range(len(words), 0, -1):
                        code = country_code(" ".join(words[:n]))
                        if code:
                            person.country = code
                            break
            return


NAME_GOES_ON = re.compile(
    r"(?:\s+(?:da|de|do|dos|das|del|della|di|van|von|bin|ibn|al|el)\s+[A-Z][\w\-’']+)+"
)


@dataclass
class References:
    """Ways the body refers to the participants, longest first; None marks an ambiguous form.

    A sentence is tried only against the forms that can match its first word, all of them in
    one pattern: with many participants, trying every form on every sentence one by one would
    cost their product.
    """

    forms: list[tuple[str, str, Person | None]]  # (form, its pattern, whose it is), in order

    def __post_init__(self) -> None:
        self.by_first_word: dict[str, list[int]] = {}  # positions in forms, in order
        for position, (form, _, _) in enumerate(self.forms):
            first = form.split()[0] if form.strip() else ""  # "": tried on every text
            self.by_first_word.setdefault(first.lower(), []).append(position)
        self.longest_word = max(map(len, self.by_first_word), default=0)
        self.patterns: dict[tuple[str, ...], re.Pattern] = {}

    def at(self, text: str):
        """The participant named at the very start of text, and where the name ends, or NOBODY."""
        head = text[: self.longest_word]
        word = head[: next((i for i, char in enumerate(head) if char.isspace()), len(head))]
        # A form matches only where the text begins with its first word.
        keys = tuple(
            key
            for key in (word[:size].lower() for size in range(len(word) + 1))
            if key in self.by_first_word
        )
        if keys not in self.patterns:
            positions = sorted(p for key in keys for p in self.by_first_word[key])
            # The first form that matches, in order, marked by the empty group after it.
            self.patterns[keys] = re.compile(
                "|".join(f"{self.forms[p][1]}(?P<f{p}>)" for p in positions) or "(?!)"
            )
        match = self.patterns[keys].match(text)
        if match is None:
            return NOBODY
        return self.forms[int(match.lastgroup[1:])][2], match.end()


def _references(people: list[Person], delegation: Person | None = None) -> References:
    """Ways the body refers to each participant, longest first; None marks an ambiguous form."""
    forms: dict[str, list[Person]] = {}
    country_forms: set[str] = set()

    def add(form: str, person: Person) -> None:
        if form and person not in forms.setdefault(form, []):
            forms[form].append(person)

    if delegation is not None:
        add("the delegation", delegation)

    for person in people:
        tokens = person.name.split()
        for variant in person.forms:
            add(variant, person)
            for office in filter(
                None, {person.title, person.title.split()[-1] if person.title else ""}
            ):
                add(f"{office} {variant}", person)
        add(person.name, person)
        # The family name, last or (a foreign name of two or three words) first: "Wang" for
        # Wang Yi, "Kishida" for Kishida Fumio, "Yoon" for Yoon Suk Yeol; or of two words:
        # "López Obrador" for Andrés Manuel López Obrador.
        family = tokens[-1:]
        if not person.home:
            family += tokens[:1] if len(tokens) in (2, 3) else []
            family += [" ".join(tokens[-2:])] if len(tokens) >= 3 else []
        for word in family:
            add(word, person)
            for honorific in ("Mr.", "Ms.", "Mrs.", "Dr."):
                add(f"{honorific} {word}", person)
        offices = {person.title}
        if person.title:
            last = re.split(r",\s*|\s+and\s+", person.title)[-1]
            offices.add(last)
            words = last.split()
            if len(words) >= 2:
                offices.add(" ".join(words[-2:]))
            offices.add(words[-1] if words else "")
            offices.add(
                person.title.split()[0]
            )  # "Secretary Beliz" for a Secretary for Strategic Affairs
        for office in filter(None, offices):
            add(f"{office} {person.name}", person)
            for word in family:
                add(f"{office} {word}", person)
            add(f"the {office}", person)
    # A government speaks through its first principal: "The United States reaffirmed ..." in
    # its own readout, "The Chinese side said ..." in anyone's, are the words of whoever leads
    # that side. Another country as the subject is what it did ("Kenya has received ...").
    countries_seen: set[str] = set()
    for person in people:
        if person.country and person.country not in countries_seen:
            countries_seen.add(person.country)
            for form in _country_forms(person.country, person.home) - forms.keys():
                add(form, person)
                country_forms.add(form)
    references = []
    for form, owners in sorted(forms.items(), key=lambda item: len(item[0]), reverse=True):
        if len(owners) == 1:
            owner = owners[0]
        else:
            # "The President" when both are presidents: the publisher's own side.
            homes = [p for p in owners if p.home]
            owner = homes[0] if len(homes) == 1 and form.lower().startswith("the ") else None
        flags = "(?i:" if form.lower().startswith("the ") else "(?:"
        # A country is the subject only before a verb ("... reaffirmed", "... and Japan"), not
        # in "The United States' commitment".
        after = r"(?=\s+[a-z])" if form in country_forms else ""
        references.append((form, rf"{flags}{_name_pattern(form)}(?![\w\-]){after})", owner))
    return References(references)


def _country_forms(code: str, home: bool) -> set[str]:
    """How a readout names a country as the subject of a sentence: "The United States",
    "the U.S.", "China" (its own country only), "the Chinese side"."""
    sides = {
        f"the {demonym} {side}"
        for demonym, demonym_code in DEMONYMS.items()
        if demonym_code == code
        for side in ("side", "delegation")
    }
    if not home:
        return sides
    names = {str(countries.name(code))} - {""}
    for alias, alias_code in COUNTRY_ALIASES.items():
        if alias_code != code:
            continue
        if alias.startswith("the "):
            names.add(alias)
        elif re.fullmatch(r"[a-z.]{2,4}", alias):
            names.add(alias.upper())  # "U.S.", "UK", "PRC"
        else:
            names.add(
                " ".join(w if w in {"of", "the", "and"} else w.capitalize() for w in alias.split())
            )
    names |= {f"the {name}" for name in list(names) if not name.startswith("the ")}
    return names | sides


def _name_pattern(form: str) -> str:
    """A form as a pattern that also takes "Joseph R. Biden, Jr." for "Joseph Biden"."""
    words = [re.escape(word) for word in form.split()]
    return r"\s+(?:[A-Z]\.\s+)?".join(words) + r"(?:,?\s+(?:Jr|Sr)\.)?"


NOBODY = object()
NATIONALITY = re.compile(rf"^(?:the\s+)?(?:U\.S\.|{DEMONYM_PATTERN})\s+", re.I)


def _subject(sentence: str, references, last_speaker):
    """Who the sentence reports: a Person, None for both sides, or NOBODY when it names no one."""
    # A list item ("- President Biden welcomed ...") is a sentence like any other.
    text = WHEN.sub("", INTRO.sub("", re.sub(r"^[-*•–]\s+", "", sentence))).lstrip('“"')
    if JOINT.match(text):
        return None
    pronoun = PRONOUN.match(text)
    if pronoun:
        rest = text[pronoun.end() :]
        other = re.match(r"^\s+(?:and|together with)\s+", rest)
        if other and _reference_at(rest[other.end() :], references) is not NOBODY:
            return None  # "He and Dr. Mohib reaffirmed ...": both sides
        return last_speaker if last_speaker is not None else NOBODY
    subject = _reference_at(text, references)
    if subject is NOBODY:
        return _attributed(text, references)
    person, end = subject
    rest = text[end:]
    other = re.match(r"^,?\s+(?:and|together with|along with)\s+", rest)
    if other:
        second = _reference_at(rest[other.end() :], references)
        if second is NOBODY:
            second = _reference_at("the " + rest[other.end() :], references)
        if second is NOBODY and _names_country(rest[other.end() :]):
            return None  # "The United States and Canada plan to ...": both sides
        if second is not NOBODY and second[0] is not person:
            if person is not None and second[0] is not None and person.home and second[0].home:
                return person  # two of the publisher's side: the first named
            return None
    return person if person is not None else NOBODY


# "This discussion, as President Biden made clear, was part of ...": said by whom it names.
AS_SAID = re.compile(r",\s+as\s+(?=[A-Z])")
SAID_VERB = re.compile(
    r"\s+(?:has\s+|had\s+)?(?:also\s+)?(?:made\s+clear|said|noted|stressed|emphasized|"
    r"emphasised|underscored|reiterated|explained|affirmed|conveyed|pointed\s+out)\b"
)
# How many ", as" a sentence is searched for an attribution: a readout's has one or two.
MAX_AS_SAID = 5


def _attributed(text: str, references):
    """The participant a sentence naming no one at its start attributes itself to in passing
    (", as President Biden made clear,"), or NOBODY."""
    for count, found in enumerate(AS_SAID.finditer(text)):
        if count >= MAX_AS_SAID:
            break
        named = _reference_at(text[found.end() :], references)
        if (
            named is not NOBODY
            and named[0] is not None
            and SAID_VERB.match(text, found.end() + named[1])
        ):
            return named[0]
    return NOBODY


COUNTRY_WORDS = re.compile(r"(?:the\s+)?([A-Z][\w’'\-]*(?:\s+(?:of\s+)?[A-Z][\w’'\-]*){0,3})")


def _names_country(text: str) -> bool:
    """Whether text starts with a country's name ("Canada", "the Republic of Korea")."""
    found = COUNTRY_WORDS.match(text)
    if not found:
        return False
    words = found.group(1).split()
    return any(country_code(" ".join(words[:n])) for n in range(len(words), 0, -1))


def _reference_at(text: str, references):
    """The participant named at the start of text, and where the name ends, or NOBODY."""
    # Also after a nationality: "U.S. President Biden", "Canadian Prime Minister Trudeau".
    # The name after the nationality first: "U.S. Secretary Blinken" is Blinken, not the U.S.
    prefixed = NATIONALITY.match(text)
    for start in (prefixed.end(), 0) if prefixed else (0,):
        found = references.at(text[start:])
        if found is not NOBODY:
            return found[0], start + found[1]
    return NOBODY


# --- putting it together ---------------------------------------------------------


def draft_readout(
    source: Source, vocabulary: Vocabulary, *, publisher: dict | None = None
) -> Draft:
    """Draft a readout document from a read source; nothing is written."""
    notes = list(source.notes)
    title = source.title
    if re.match(r"^(?:Joint Statement|Statement|Fact Sheet|Remarks)\b", title, re.I):
        return Draft(None, False, "not a readout of a contact (a statement, not a readout)", notes)
    body_sentences = [s for p in source.paragraphs for s in sentences(p)]
    first = body_sentences[0] if body_sentences else ""

    if len(title) > MAX_TITLE:
        hosts, counterparts, kind_word = [], [], ""
        notes.append(f"the title is {len(title):,} characters long; it was not read for names")
    else:
        hosts, counterparts, kind_word = _read_title(title)
    # "Transatlantic Leaders", "European Allies": a group, not a person; the body may list them.
    named_in_title = bool(counterparts)
    counterparts = [p for p in counterparts if not GROUP.search(p.name)]
    contact = _contact(INTRO.sub("", first)) if first else None
    if contact and not named_in_title:
        counterparts = _people_list(_first_clause(contact[1]))
        counterparts = [p for p in counterparts if not GROUP.search(p.name)]
    if contact and not hosts:
        hosts = _people_list(contact[0], tail=False)
    # "President Biden's Meeting with ..." and, in the text, "President Biden, Secretary of
    # State Blinken, and Secretary of Defense Austin met with ...": all of them took part; which
    # side each is on is told once the publisher's country is known.
    also_named = []
    if contact and hosts:
        named = {fold(h.surname) for h in hosts}
        also_named = [
            p
            for p in _people_list(contact[0], tail=False)
            if p.title and fold(p.surname) not in named and not GROUP.search(p.name)
        ]
    if not counterparts:
        counterparts = _listed_participants(body_sentences, source.paragraphs)
    if not counterparts and first:
        # "Today, President Macron of France, ..., and President Biden of the United States
        # held a call."
        together = HELD_TOGETHER.match(INTRO.sub("", first))
        if together:
            everyone = _people_list(together.group("all"), tail=False)
            if len(everyone) >= 2:
                counterparts = everyone
    listed = LISTED.search(first) if not counterparts else None
    if listed:
        # A multilateral readout naming everyone, its own side among them.
        everyone = _people_list(listed.group("with"))
        if len(everyone) >= 2:
            counterparts = everyone
    if not counterparts and contact and named_in_title:
        # A group in the title ("CARICOM Leaders") and no list of them: those the opening names.
        counterparts = _people_list(_first_clause(contact[1]))
        counterparts = [p for p in counterparts if not GROUP.search(p.name)]
    if not counterparts and first:
        # "... participated in the APEC Virtual Leaders' Retreat, hosted by Prime Minister
        # Jacinda Ardern of New Zealand": the host of a gathering is the counterpart.
        opening = INTRO.sub("", first)
        hosted = HOSTED_BY.search(opening)
        if hosted:
            named = _people_list(hosted.group("list"))
            counterparts = [p for p in named if p.title and not GROUP.search(p.name)]
            if counterparts and not hosts:
                # Who took part: the sentence's subject, before its verb.
                verb = CONTACT_VERB.search(opening, 0, hosted.start())
                hosts = _people_list(opening[: verb.start()] if verb else "", tail=False)
    if not counterparts:
        # "The Israeli interagency delegation was led by National Security Advisor Meir
        # Ben-Shabbat": the other side's delegation, and who led it.
        for sentence in body_sentences[:3]:
            led = LED_BY.search(sentence)
            if led:
                leader = parse_mention(re.split(r"[,;]| and ", led.group("who"))[0])
                if leader is not None and leader.title:
                    if not leader.country and not leader.organization:
                        demonym = led.group("demonym")
                        leader.country = DEMONYMS.get(demonym) or country_code(demonym) or None
                    counterparts = [leader]
                    # "... was led by Minister Leyva and included Minister of Defense Ivan
                    # Velasquez and other senior officials": those it names.
                    joined = re.search(r"\s+and\s+included\s+(?P<list>.+)$", led.group("who"))
                    for person in _people_list(joined.group("list")) if joined else []:
                        if person.title and not GROUP.search(person.name):
                            person.country = person.country or leader.country
                            counterparts.append(person)
                    break
        # "Mr. Sullivan invited his Israeli counterpart, Meir Ben-Shabbat, to visit"
        for sentence in body_sentences if not counterparts else []:
            named = COUNTERPART_NAMED.search(sentence)
            if named:
                counterparts = [
                    Person(clean_name(named.group("who")), country=DEMONYMS[named.group("demonym")])
                ]
                break
        if counterparts and not hosts:
            # Who took part on the publisher's side: the opening's subject.
            opening = INTRO.sub("", first)
            verb = LED_OWN_SIDE.search(opening)
            hosts = _people_list(opening[: verb.start()], tail=False) if verb else []
    trip_place = None
    if not counterparts:
        # A trip: who travelled (and who went with them), and whom the delegation met there.
        trip = _trip(body_sentences, title)
        if trip:
            trip_hosts, counterparts, trip_place = trip
            hosts = hosts or trip_hosts
            kind_word = kind_word or "Visit"
    # The publisher, and so which side is home: from the source URL's host, as the
    # publishers recorded know their hosts.
    # A publisher given by the caller is for readouts whose text does not tell.
    home = (publisher or {}).get("country", "")
    found = vocabulary.publisher_at(source.url)
    if found:
        publisher, home = doc.publisher(found.slug), found.country
    if not hosts and home and len(counterparts) >= 2:
        # Everyone named together ("the Meeting Between A and B"): the publisher's side hosts.
        hosts = [
            p
            for p in counterparts
            if (p.country or getattr(vocabulary.match(p), "country", None)) == home
        ]
        counterparts = [p for p in counterparts if not any(p is h for h in hosts)]
    for person in also_named:
        known = vocabulary.match(person)
        country = person.country or (known.country if known else None)
        if (country and home and country != home) or (
            not country and FOREIGN_OFFICES.search(person.title)
        ):
            counterparts.append(person)  # "President Biden and Prime Minister Kishida met ..."
        elif known or len(person.name.split()) >= 2:
            hosts.append(person)  # a one-word name of one's own side is no one to propose
    for person in hosts:
        person.home = True
    known_hosts = [vocabulary.match(p) for p in hosts]
    if publisher is None:
        countries = {k.country for k in known_hosts if k and k.country} or {
            p.country for p in hosts if p.country
        }
        if len(countries) == 1:
            found = vocabulary.publisher_for(countries.pop())
            if found:
                publisher, home = doc.publisher(found.slug), found.country
    for person, known in zip(hosts, known_hosts, strict=True):
        if person.country is None:
            person.country = known.country if known else (home or None)

    if trip_place:
        # Those met on a trip are of the country visited, unless the text says otherwise.
        for person in counterparts:
            if person.country is None and not person.organization and trip_place != home:
                person.country = trip_place
    host_names = {fold(h.name) for h in hosts}
    # A list naming everyone names the hosts again ("President Biden of the United States").
    host_surnames = {fold(h.surname): h.country for h in hosts}
    people = hosts + [
        p
        for p in counterparts
        if fold(p.name) not in host_names
        and not (
            fold(p.surname) in host_surnames
            and p.country in (None, home, host_surnames[fold(p.surname)])
        )
    ]
    if len(people) > MAX_PARTICIPANTS:
        return Draft(
            None,
            False,
            f"it names {len(people)} people; a readout of a contact names at most "
            f"{MAX_PARTICIPANTS}",
            notes,
        )
    # "... as well as with NATO Secretary General Jens Stoltenberg, who was also in
    # attendance": named as taking part, later in the text.
    for sentence in body_sentences:
        for found in ALSO_ATTENDING.finditer(sentence):
            person = parse_mention(found.group("who"))
            if (
                person is not None
                and person.title
                and not GROUP.search(person.name)
                and not any(fold(person.surname) == fold(p.surname) for p in people)
                and len(people) < MAX_PARTICIPANTS
            ):
                people.append(person)
                counterparts.append(person)
    # A principal of the publisher's side who "dropped by" the meeting takes part in it.
    for visitor in _dropped_by(body_sentences):
        if (
            not any(
                fold(visitor.surname) == fold(p.surname) or fold(visitor.name) in p.forms
                for p in people
            )
            and len(people) < MAX_PARTICIPANTS
        ):
            visitor.home = True
            visitor.country = visitor.country or home or None
            people.append(visitor)  # after the two principals, who name the meeting
    for person in people:
        _enrich(person, body_sentences)
        if person.country is None and home and person.home:
            person.country = home

    known_people = [vocabulary.match(p) for p in people]
    for person, known in zip(people, known_people, strict=True):
        if known and person.country is None:
            person.country = known.country
            person.organization = person.organization or known.organization
    if not counterparts:
        return Draft(
            None,
            False,
            "no counterpart is named: this does not read as a contact with another side",
            notes,
            people,
        )
    foreign = [
        p
        for p in counterparts
        if (
            p.foreign_or_organization
            or (p.country is None and FOREIGN_OFFICES.search(p.title))
            # Someone recorded as of another country than the publisher's.
            or (home and p.country and p.country != home)
        )
        and (not home or p.country != home)
        and not DOMESTIC_OFFICES.search(p.title)
    ]
    if not foreign:
        names = ", ".join(f"{p.title} {p.name}".strip() for p in counterparts)
        return Draft(
            None,
            False,
            f"not a diplomatic contact: no foreign counterpart ({names})",
            notes,
            people,
        )
    if publisher is None:
        notes.append("the publisher could not be told from the text; give one")

    # Names to slugs: known participants keep theirs; new people get one from their name.
    for person, known in zip(people, known_people, strict=True):
        if known:
            person.slug, person.existing = known.slug, True
            person.forms.update({known.name, *known.aliases} - {person.name})
            if person.country is None:
                person.country = known.country
        else:
            family_name_first(person, f"{title}\n{source.body}")
            person.slug = vocabulary.new_slug(person.name)
            vocabulary.add(
                Known(person.slug, person.name, person.country or "", person.organization)
            )
        if person.country is None:
            notes.append(f"the country of {person.name} is not given; check it")

    kind = _kind(kind_word, title, first)
    location = _location(title, first, kind)
    at_home, zone = _where(location, home)
    date = _meeting_date(source, first, notes, abroad=zone, at_home=at_home)
    if date is None:
        notes.append("the meeting date could not be found; give it")

    # "A of X and B of Y met today at the White House." opens the contact without a "with".
    opens = contact is not None or bool(MET_TOGETHER.search(first)) or trip_place is not None
    # On a trip, "the delegation" is the travellers', led by the first of them.
    statements = _statements(source, people, opens, delegation=hosts[0] if trip_place else None)
    for statement in statements:
        statement["topics"] = [
            t.slug for t in vocabulary.topics if t.pattern.search(statement["text"])
        ]

    # The two principals, the first of each side, in a fixed order (by country, then slug),
    # not the order one government names them in: both governments' drafts of one contact
    # get one slug.
    own = next((p for p in people if p.home), None)
    other = next((p for p in people if not p.home), None)
    principals = sorted(
        [own, other] if own and other else people[:2], key=lambda p: (p.country or "~", p.slug)
    )
    slug_people = "-".join(p.slug for p in principals)
    meeting_slug = f"{date.isoformat() if date else 'undated'}-{slug_people}"[:200].rstrip("-")
    meeting = doc.meeting(
        meeting_slug,
        date.isoformat() if date else None,
        str(kind),
        _meeting_title(title)[:500],
        location=location[:200],
    )
    readout = doc.readout(
        publisher or doc.publisher(""),
        title[:500],
        source.body,
        published_at=_published(source, publisher, vocabulary, notes),
        url=source.url,
        statements=statements,
    )
    document = doc.document(meeting, [_participant_entry(p) for p in people], [readout])
    return Draft(document, True, "", notes, people)


def _meeting_title(title: str) -> str:
    # "Readout of the President's Call with ...": "President's Call with ...", as a title.
    return re.sub(rf"^{READOUT_OF}(?:the\s+)?", "", title).strip() or title


def _participant_entry(person: Person) -> doc.ParticipantEntry:
    if person.existing:
        return doc.participant(person.slug, title=person.title)
    return doc.participant(
        person.slug,
        name=person.name,
        country=person.country or "",
        organization=person.organization or None,
        aliases=person.aliases or None,
        title=person.title,
    )


def _published(
    source: Source, publisher: dict | None, vocabulary: Vocabulary, notes: list[str]
) -> str | None:
    """The published time with its offset: a clock time given without one is read in the
    publisher's time zone, as its record gives it."""
    stamp = source.published_at
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        known = vocabulary.publisher((publisher or {}).get("slug", ""))
        if known and known.time_zone:
            stamp = stamp.replace(tzinfo=ZoneInfo(known.time_zone))
        else:
            stamp = stamp.replace(tzinfo=dt.UTC)
            notes.append(
                "the published time has no offset and the publisher's time zone is not "
                "recorded: it was read as UTC; check it"
            )
    return stamp.isoformat()


def _statements(
    source: Source, people: list[Person], has_contact: bool, *, delegation: Person | None = None
) -> list[dict]:
    references = _references(people, delegation)
    statements: list[dict] = []
    last_person: Person | None = None
    first_sentence = True
    skip_list = False
    for paragraph in source.paragraphs:
        if not re.search(r"\w", paragraph):
            continue  # "# # #", "* * *": the end of the text, in the body but said by no one
        if skip_list:
            skip_list = False
            continue
        groups: list[list] = []  # [speaker, [sentences]]
        leading: list[str] = []
        for sentence in sentences(paragraph):
            if first_sentence:
                first_sentence = False
                if has_contact and _only_contact(sentence, people):
                    # "He" in the next sentence is whoever opened the contact.
                    opener = _subject(sentence, references, None)
                    last_person = opener if isinstance(opener, Person) else None
                    continue
            listing = PARTICIPANT_LIST.match(sentence)
            if listing:
                # "Participants in the call included ...": who, not what was said; and when the
                # list is the next paragraph ("... the following leaders:"), so is it.
                skip_list = not listing.group("list").strip()
                continue
            speaker = _subject(sentence, references, last_person)
            if speaker is NOBODY:
                if groups:
                    groups[-1][1].append(sentence)
                else:
                    leading.append(sentence)
                continue
            if isinstance(speaker, Person):
                last_person = speaker
            if groups and groups[-1][0] is speaker:
                groups[-1][1].append(sentence)
            else:
                groups.append([speaker, [*leading, sentence]])
                leading = []
        if leading:
            carry = statements[-1]["_speaker"] if statements else None
            groups.append([carry, leading])
        for speaker, texts in groups:
            statements.append({"_speaker": speaker, "text": " ".join(texts)})
    return [
        doc.statement(s["_speaker"].slug if s["_speaker"] else None, s["text"], sequence=i)
        for i, s in enumerate(statements, 1)
    ]


def _only_contact(sentence: str, people: list[Person]) -> bool:
    """An opening that only says who spoke with whom (when, where) is not a statement."""
    counterparts = [p for p in people if not p.home] or people
    listed = LISTED.search(sentence)
    if listed and any(p.surname in listed.group("with") for p in counterparts):
        # "Today the Quad Leaders (dash) Prime Minister Morrison of Australia, ... (dash) met."
        return not CONTENT_AFTER.search(sentence, listed.end())
    ends = [m.end() for p in counterparts for m in re.finditer(re.escape(p.surname), sentence)]
    if not ends:
        # "President Biden held a secure video call with transatlantic leaders today.": the
        # others are named later, in a list; the opening says only that they met.
        verb = OPENING_VERB.search(sentence)
        return bool(verb) and not CONTENT_AFTER.search(sentence, verb.end())
    after = sentence[max(ends) :]
    after = re.sub(r"^\s+of\s+(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)*", "", after)
    return not CONTENT_AFTER.search(after)
