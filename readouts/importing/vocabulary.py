"""What the database already knows: participants, topics and publishers to match against."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.text import slugify

from readouts.models import Participant, Publisher, Topic, split_aliases

from .people import NAME_PARTICLES, Person, fold

GENERIC_TOPIC_WORDS = re.compile(r"\s+(?:issues?|question|situation|matters?)$", re.I)
SHORT_PHRASE = 4  # letters: a shorter phrase is matched only as written


@dataclass
class Known:
    slug: str
    name: str
    country: str
    organization: str = ""
    aliases: list[str] = field(default_factory=list)


@dataclass
class KnownPublisher:
    slug: str
    name: str
    country: str
    hosts: list[str]  # its website's, then the others it publishes under
    time_zone: str


@dataclass
class KnownTopic:
    slug: str
    name: str
    pattern: re.Pattern


class Vocabulary:
    """Participants, topics and publishers to match drafts against.

    Built from the database; an import of several files adds the people each
    draft proposes, so the same person gets the same slug in every draft.
    """

    def __init__(self) -> None:
        self.people: list[Known] = []
        self.by_form: dict[str, list[Known]] = {}
        self.by_surname: dict[str, list[Known]] = {}
        self.by_given: dict[str, list[Known]] = {}
        self.topics: list[KnownTopic] = []
        self.publishers: list[KnownPublisher] = []
        self.slugs: set[str] = set()

    @classmethod
    def from_database(cls) -> Vocabulary:
        vocabulary = cls()
        for row in Participant.objects.values_list(
            "slug", "name", "country", "organization", "aliases"
        ):
            slug, name, country, organization, aliases = row
            vocabulary.add(
                Known(
                    slug,
                    name,
                    country or "",
                    organization,
                    [a for a in aliases.splitlines() if a.strip()],
                )
            )
        for slug, name, phrases in Topic.objects.values_list("slug", "name", "phrases"):
            vocabulary.add_topic(slug, name, split_aliases(phrases))
        for publisher in Publisher.objects.all():
            vocabulary.publishers.append(
                KnownPublisher(
                    publisher.slug,
                    publisher.name,
                    publisher.country.code or "",
                    publisher.host_list,
                    publisher.time_zone,
                )
            )
        return vocabulary

    def add(self, known: Known) -> None:
        self.people.append(known)
        self.slugs.add(known.slug)
        for form in {known.name, *known.aliases}:
            self.by_form.setdefault(fold(form), []).append(known)
            tokens = form.split()
            if len(tokens) > 1:
                self.by_surname.setdefault(fold(tokens[-1]), []).append(known)
                # Family name first ("Kishida Fumio", "Wang Yi"): found by its first word alone.
                self.by_given.setdefault(fold(tokens[0]), []).append(known)

    def add_topic(self, slug: str, name: str, phrases: Sequence[str] = ()) -> None:
        """A topic is suggested by its name (without a generic last word: "Ukraine issue"
        by "Ukraine") and by the phrases its record keeps, which analysts extend."""
        found = {name, GENERIC_TOPIC_WORDS.sub("", name), *phrases}
        # Short phrases only as written ("G7", "AI"); a phrase of one letter finds nothing.
        found = sorted((p.strip() for p in found if len(p.strip()) >= 2), key=len, reverse=True)
        if not found:
            return
        alternatives = [
            re.escape(p) if len(p) < SHORT_PHRASE else f"(?i:{re.escape(p)})" for p in found
        ]
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")
        self.topics.append(KnownTopic(slug, name, pattern))

    def match(self, person: Person) -> Known | None:
        """The known participant this person is, by name or alias, else by surname and country."""
        exact = self.by_form.get(fold(person.name), [])
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1 and person.country:
            same = [k for k in exact if k.country == person.country]
            if len(same) == 1:
                return same[0]
        # The same name in the other order: "Fumio Kishida" is "Kishida Fumio", "Hsien Loong
        # Lee" is "Lee Hsien Loong" (family name first, as some governments write them).
        tokens = person.name.split()
        if not exact and len(tokens) >= 2:
            turned = {
                known.slug: known
                for order in (tokens[1:] + tokens[:1], tokens[-1:] + tokens[:-1])
                for known in self.by_form.get(fold(" ".join(order)), [])
                if not person.country or not known.country or known.country == person.country
            }
            if len(turned) == 1:
                return next(iter(turned.values()))
        found = self.by_surname.get(fold(person.surname), [])
        if not found and len(person.name.split()) == 1 and person.country:
            found = self.by_given.get(fold(person.name), [])
        candidates = list({k.slug: k for k in found}.values())
        if person.country:
            candidates = [k for k in candidates if k.country == person.country]
        elif person.organization:
            # "European Council President Michel" is the Charles Michel recorded with neither
            # a country nor an organization, not one recorded with another organization.
            candidates = [
                k
                for k in candidates
                if k.organization == person.organization or not (k.organization or k.country)
            ]
        if person.given and person.given.lower() not in NAME_PARTICLES:  # "von der Leyen"
            # "Tamim bin Hamad Al Thani" is not "Mohammed bin Abdulrahman Al Thani": a given
            # name that none of a candidate's names starts with is someone else, even when
            # that candidate is the only one of the family name (one recorded by it alone,
            # "Kishida", may be anyone of it).
            given = fold(person.given)
            candidates = [
                k
                for k in candidates
                if any(
                    len(fold(f).split()) == 1 or fold(f).split()[0] == given
                    for f in (k.name, *k.aliases)
                )
            ]
        return candidates[0] if len(candidates) == 1 else None

    def new_slug(self, name: str) -> str:
        base = slugify(name)[:90] or "participant"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def publisher_for(self, country: str) -> KnownPublisher | None:
        """The one publisher recorded for a country, if there is only one."""
        found = [p for p in self.publishers if p.country == country]
        return found[0] if len(found) == 1 else None

    def publisher_at(self, url: str) -> KnownPublisher | None:
        """The publisher whose website (or other host) a source URL is on."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if not host:
            return None
        for publisher in self.publishers:
            for known in publisher.hosts:
                known = known.removeprefix("www.")
                if host == known or host.endswith("." + known):
                    return publisher
        return None

    def publisher(self, slug: str) -> KnownPublisher | None:
        return next((p for p in self.publishers if p.slug == slug), None)
