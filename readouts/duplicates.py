"""Likely duplicates among participants and topics, for an analyst to review and merge.

Names are compared by a key that sets aside what varies between spellings of one
name: accents, case, punctuation and hyphens, the particles of Arabic and other
names (El-Sisi, Al Sisi), suffixes (Jr., III) and a possessive 's, and doubled
letters of transliterations (Mohammed, Mohamed). Each rule groups records by a
key in one pass (no comparison of every pair): the number of pairs grows with
the duplicates found, not with the square of the table.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from django.db.models import QuerySet

from .models import Participant, Topic, split_aliases
from .names import latin_lookalikes

PARTICLES = frozenset("al el ul bin bint ibn ben abu".split())  # noqa: SIM905
# "bin Hamad": son of Hamad. Two names of one house (Al Thani, Al Saud) that name
# different fathers are two people. ("Ben" is also a family name's first part: Ben-Shabbat.)
PATRONYMIC = frozenset("bin bint ibn".split())  # noqa: SIM905
SUFFIXES = frozenset("jr sr ii iii iv".split())  # noqa: SIM905
GENERIC_TOPIC_WORDS = frozenset("the issue issues question situation matter matters".split())  # noqa: SIM905
# A family name shared by more people than this in one country (Wang, Kim) says little.
COMMON = 12
MARKS = ("pk", "slug", "former_slugs", "distinct_from")
WORD = re.compile(r"[^\W_]+")


def words(name: str) -> list[str]:
    """The words of a name without accents, case, punctuation or a possessive."""
    text = unicodedata.normalize("NFKD", latin_lookalikes(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’‘`´]s\b", "", text)  # a possessive
    text = re.sub(r"['’‘`´]", "", text)  # O'Brien, Ma'ruf
    return WORD.findall(text)


def collapse(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)  # Mohammed, Mohamed


def patronymic(name: str) -> str | None:
    """The father's name a name gives ("Tamim bin Hamad Al Thani": hamad), if any."""
    found = words(name)
    for word, father in pairwise(found):
        if word in PATRONYMIC:
            return collapse(father)
    return None


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name as compared: "Joseph Biden Jr's" and "joseph biden" match."""
    found = [w for w in words(name) if w not in PARTICLES]
    while len(found) > 1 and found[-1] in SUFFIXES:
        found.pop()
    return tuple(collapse(word) for word in found)


@dataclass
class Pair:
    """Two records that may be one, and why."""

    first: object
    second: object
    reasons: list[str] = field(default_factory=list)


def distinct_pairs(records: dict[int, object]) -> set[tuple[int, int]]:
    """The pairs a curator has marked as not the same ("not the same as", by slug or by a
    slug merged into the other), whichever of the two carries the mark."""
    by_slug = {}
    for pk, record in records.items():
        for slug in (record.slug, *split_aliases(record.former_slugs)):
            by_slug.setdefault(slug, pk)
    found = set()
    for pk, record in records.items():
        for slug in split_aliases(record.distinct_from):
            other = by_slug.get(slug)
            if other is not None and other != pk:
                found.add((min(pk, other), max(pk, other)))
    return found


class Pairs:
    """Pairs of records by primary key, each found once whatever the rules that find it,
    except those a curator has marked as not the same."""

    def __init__(self, records: dict[int, object]) -> None:
        self.records = records
        self.found: dict[tuple[int, int], Pair] = {}
        self.distinct = distinct_pairs(records)

    def add(self, a: int, b: int, reason: str) -> None:
        key = (min(a, b), max(a, b))
        if a == b or key in self.distinct:
            return
        pair = self.found.get(key)
        if pair is None:
            pair = self.found[key] = Pair(self.records[key[0]], self.records[key[1]])
        if reason not in pair.reasons:
            pair.reasons.append(reason)

    def within(
        self,
        groups: Iterable[Iterable[int]],
        reason: str,
        limit: int | None = None,
        apart: Callable[[int, int], bool] | None = None,
    ):
        for group in groups:
            members = sorted(set(group))
            if len(members) < 2 or (limit is not None and len(members) > limit):
                continue
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if apart is None or not apart(a, b):
                        self.add(a, b, reason)

    def sorted(self) -> list[Pair]:
        return sorted(self.found.values(), key=lambda p: (str(p.first).casefold(), p.first.pk))


def likely_duplicate_participants(queryset: QuerySet[Participant] | None = None) -> list[Pair]:
    """Pairs of participants that may be one person: the same name once spelling is set
    aside; the same country and family name; one name within the other; an alias that
    is another's name. Pairs a curator has marked as not the same are left out."""
    queryset = Participant.objects.all() if queryset is None else queryset
    people = {p.pk: p for p in queryset.only(*MARKS, "name", "country", "aliases")}
    pairs = Pairs(people)
    names: dict[tuple[str, ...], list[int]] = defaultdict(list)
    family: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, person in people.items():
        tokens = name_tokens(person.name)
        if not tokens:
            continue
        names[tokens].append(pk)
        if person.country and len(tokens) > 1:
            family[(person.country.code, tokens[-1])].append(pk)
    pairs.within(names.values(), "same name")
    fathers = {pk: patronymic(person.name) for pk, person in people.items()}
    tokens_of = {pk: name_tokens(person.name) for pk, person in people.items()}

    def apart(a: int, b: int) -> bool:
        # Different fathers named (bin Hamad, bin Abdulrahman Al Thani), or two full names
        # of three words or more with different first names (Nawaf and Mishal Al-Ahmad
        # Al-Jaber Al-Sabah, brothers): two people. A short name (Liz Truss) may be either.
        if None not in (fathers[a], fathers[b]) and fathers[a] != fathers[b]:
            return True
        first, second = tokens_of[a], tokens_of[b]
        return min(len(first), len(second)) >= 3 and first[0] != second[0]

    pairs.within(family.values(), "same country and family name", limit=COMMON, apart=apart)

    # One name within the other: every run of words of every name, looked up by each
    # whole name. A name of one word only within a name of the same country.
    runs: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for tokens, members in names.items():
        for start in range(len(tokens)):
            for end in range(start + 1, len(tokens) + 1):
                if end - start < len(tokens):
                    runs[tokens[start:end]].extend(members)
    for tokens, members in names.items():
        for inside in runs.get(tokens, ()):
            for pk in members:
                short, long = people[pk], people[inside]
                if len(tokens) > 1 or (short.country and short.country == long.country):
                    pairs.add(pk, inside, "one name within the other")

    for pk, person in people.items():
        for alias in split_aliases(person.aliases):
            for other in names.get(name_tokens(alias), ()):
                pairs.add(pk, other, "an alias is the other's name")
    return pairs.sorted()


def topic_key(name: str) -> tuple[str, ...]:
    found = [w for w in words(name) if w not in GENERIC_TOPIC_WORDS]
    return tuple(collapse(w[:-1] if len(w) > 3 and w.endswith("s") else w) for w in found)


def likely_duplicate_topics(queryset: QuerySet[Topic] | None = None) -> list[Pair]:
    """Pairs of topics with the same name once case, accents, punctuation, plurals and
    words such as "issue" are set aside ("Ukraine issue", "Ukraine")."""
    queryset = Topic.objects.all() if queryset is None else queryset
    topics = {t.pk: t for t in queryset.only(*MARKS, "name")}
    pairs = Pairs(topics)
    keys: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for pk, topic in topics.items():
        key = topic_key(topic.name)
        if key:
            keys[key].append(pk)
    pairs.within(keys.values(), "same name")
    return pairs.sorted()
