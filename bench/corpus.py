"""Write a synthetic, realistic corpus of readout documents, seeded and deterministic.

    python bench/corpus.py --meetings 10000 -o bench/data/corpus-10k.json
    python bench/corpus.py --meetings 10000 --format django -o bench/data/corpus-10k-django.json

A few thousand participants across about 190 countries, with a power-law
number of meetings each and titles that change over time; 1 to 3 readouts per
meeting from different publishers and languages; 3 to 12 statements per
readout of realistic length, some joint; a few hundred topics in a hierarchy.
The same data comes out as readout documents (an export, the default) or as a
flat Django natural-key fixture.
"""

import argparse
import json
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings

if not settings.configured:  # run as a script: ISO country codes need no project
    settings.configure(USE_I18N=False)

from django_countries import countries

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script
from readouts import documents as doc

WORDS = [
    "cooperation",
    "dialogue",
    "trade",
    "investment",
    "security",
    "stability",
    "development",
    "partnership",
    "climate",
    "energy",
    "health",
    "pandemic",
    "vaccine",
    "supply",
    "chain",
    "infrastructure",
    "maritime",
    "border",
    "sovereignty",
    "integrity",
    "sanctions",
    "agreement",
    "summit",
    "framework",
    "mechanism",
    "multilateral",
    "regional",
    "global",
    "peace",
    "prosperity",
    "mutual",
    "respect",
    "interests",
    "concerns",
    "consultations",
    "exchanges",
    "people",
    "connectivity",
    "technology",
    "digital",
    "economy",
    "finance",
    "agriculture",
    "food",
    "education",
    "culture",
    "tourism",
    "migration",
    "counterterrorism",
    "nonproliferation",
    "nuclear",
    "arms",
    "control",
    "humanitarian",
    "assistance",
    "reconstruction",
    "elections",
    "democracy",
    "rights",
    "law",
    "order",
]
VERBS = [
    "said",
    "stressed",
    "noted",
    "pointed out",
    "emphasized",
    "expressed",
    "welcomed",
    "underscored",
    "reaffirmed",
    "called for",
]
KINDS = (
    ["phone_call"] * 5
    + ["meeting"] * 3
    + ["talks"] * 2
    + ["video_call", "visit", "messages", "other"]
)
TITLES = [
    "Foreign Minister",
    "Deputy Foreign Minister",
    "President",
    "Prime Minister",
    "National Security Advisor",
    "Special Envoy",
    "Minister of Defence",
    "Ambassador",
    "State Councilor and Foreign Minister",
    "Vice President",
    "Secretary of State",
]
LANGUAGES = ["en", "fr", "es", "ru", "zh", "ar", "pt", "de"]


SUBJECTS = [
    "the two countries",
    "both sides",
    "his country",
    "the government",
    "the two ministries",
    "the region",
]
MODALS = ["should", "will", "stand ready to", "must", "are willing to"]
ACTIONS = [
    "deepen cooperation on",
    "strengthen dialogue on",
    "expand exchanges in",
    "coordinate closely on",
    "make progress on",
    "hold consultations on",
]


def sentence(rng: random.Random, words: int) -> str:
    """A sentence in the manner of a readout (its length grows with words)."""
    fields = [rng.choice(WORDS) for _ in range(max(2, words // 4))]
    return (
        f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(MODALS)} {rng.choice(ACTIONS)} "
        f"{', '.join(fields[:-1])} and {fields[-1]}."
    )


def build(meetings: int, seed: int = 20221027) -> dict:
    """The corpus as an export of readout documents."""
    rng = random.Random(seed)
    codes = sorted(code for code, _ in countries)
    random.Random(1).shuffle(codes)  # which countries are busiest: fixed, not alphabetical
    codes = codes[:190]
    # Zipf's law over the countries: the busiest has about a sixth of all participants,
    # and nearly every country has some.
    country_weights = [1 / (rank + 1) for rank in range(len(codes))]
    people_count = max(50, min(4000, meetings // 3))
    people = []
    for i in range(people_count):
        country = rng.choices(codes, country_weights)[0]
        people.append(
            doc.participant(
                f"person-{i:05d}",
                name=f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {i}",
                country=country,
                organization="",
                aliases=[f"{rng.choice(WORDS).title()} {i}"] if i % 7 == 0 else [],
            )
        )
    # Power law: a few people meet very often.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(people_count)]
    publishers = [
        doc.publisher(
            f"mfa-{code.lower()}",
            name=f"Ministry of Foreign Affairs of {name}",
            country=code,
            website=f"https://mfa.example/{code.lower()}/",
        )
        for code, name in sorted((c, countries.name(c)) for c in codes[:40])
    ]
    roots = [
        doc.topic(f"area-{i:02d}", f"{WORDS[i].title()} affairs", description="") for i in range(20)
    ]
    topics = list(roots)
    for i in range(280):
        parent = topics[rng.randrange(len(topics))]["slug"] if i % 3 else roots[i % 20]["slug"]
        name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}"
        topics.append(doc.topic(f"topic-{i:03d}", name, parent=parent, description=""))
    topic_slugs = [t["slug"] for t in topics]

    start = date(2000, 1, 1)
    documents = []
    for n in range(meetings):
        day = start + timedelta(days=int(n * 9000 / max(meetings, 1)))
        size = 2 if rng.random() < 0.8 else rng.randint(3, 5)
        chosen = []
        while len(chosen) < size:
            person = rng.choices(people, weights)[0]
            if person not in chosen:
                chosen.append(person)
        era = (day.year - 2000) // 6  # titles change over time
        participants = [
            doc.participant(**p, title=TITLES[(int(p["slug"][-5:]) + era) % len(TITLES)])
            for p in chosen
        ]
        readouts = []
        for publisher in rng.sample(publishers, rng.randint(1, 3)):
            statements = []
            for s in range(rng.randint(3, 12)):
                speaker = rng.choice(chosen)["slug"] if rng.random() > 0.15 else None
                who = "The two sides" if speaker is None else "He"
                first, *more = [sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(1, 4))]
                said = f"{who} {rng.choice(VERBS)} that {first[0].lower()}{first[1:]}"
                text = " ".join([said, *more])
                about = sorted(rng.sample(topic_slugs, rng.randint(0, 3)))
                statements.append(doc.statement(speaker, text, topics=about, sequence=s + 1))
            readouts.append(
                doc.readout(
                    publisher,
                    f"Readout {n} by {publisher['name']}",
                    "\n\n".join(s["text"] for s in statements),
                    language=rng.choice(LANGUAGES),
                    published_at=datetime(day.year, day.month, day.day, 18, tzinfo=UTC).isoformat(),
                    url=f"https://mfa.example/readouts/{n}-{publisher['slug']}",
                    statements=statements,
                )
            )
        # One readout per publisher and language.
        seen, unique = set(), []
        for readout in readouts:
            key = (readout["publisher"]["slug"], readout["language"])
            if key not in seen:
                seen.add(key)
                unique.append(readout)
        meeting = doc.meeting(
            f"meeting-{n:06d}",
            day.isoformat(),
            rng.choice(KINDS),
            f"Meeting {n} on {rng.choice(WORDS)} and {rng.choice(WORDS)}",
            location="",
            with_end_date=True,
        )
        by_publisher = sorted(unique, key=lambda r: (r["publisher"]["slug"], r["language"]))
        documents.append(doc.document(meeting, participants, by_publisher))
    return {
        "export": {
            "format": "readout-documents",
            "version": "bench",
            "exported_at": "2026-01-01T00:00:00Z",
            "filter": {"generated": str(meetings)},
            "meetings": meetings,
        },
        "topics": sorted(topics, key=lambda t: t["slug"]),
        "documents": documents,
    }


def as_django_fixture(corpus: dict) -> list[dict]:
    """The same data as a flat Django natural-key fixture."""
    rows = []
    by_slug = {t["slug"]: t for t in corpus["topics"]}

    def depth(slug):
        return 0 if by_slug[slug]["parent"] is None else 1 + depth(by_slug[slug]["parent"])

    for topic in sorted(corpus["topics"], key=lambda t: (depth(t["slug"]), t["slug"])):
        rows.append(
            {
                "model": "readouts.topic",
                "fields": {
                    "slug": topic["slug"],
                    "name": topic["name"],
                    "parent": [topic["parent"]] if topic["parent"] else None,
                    "description": topic["description"],
                },
            }
        )
    publishers, people = {}, {}
    for entry in corpus["documents"]:
        for p in entry["participants"]:
            people[p["slug"]] = p
        for r in entry["readouts"]:
            publishers[r["publisher"]["slug"]] = r["publisher"]
    for p in sorted(publishers.values(), key=lambda p: p["slug"]):
        rows.append({"model": "readouts.publisher", "fields": dict(p)})
    for p in sorted(people.values(), key=lambda p: p["slug"]):
        rows.append(
            {
                "model": "readouts.participant",
                "fields": {
                    "slug": p["slug"],
                    "name": p["name"],
                    "country": p["country"],
                    "organization": p["organization"],
                    "aliases": "\n".join(p["aliases"]),
                },
            }
        )
    for entry in corpus["documents"]:
        meeting = entry["meeting"]
        rows.append({"model": "readouts.meeting", "fields": dict(meeting)})
        for order, p in enumerate(entry["participants"]):
            rows.append(
                {
                    "model": "readouts.attendance",
                    "fields": {
                        "meeting": [meeting["slug"]],
                        "participant": [p["slug"]],
                        "title": p["title"],
                        "order": order,
                    },
                }
            )
        for r in entry["readouts"]:
            key = [meeting["slug"], r["publisher"]["slug"], r["language"]]
            rows.append(
                {
                    "model": "readouts.readout",
                    "fields": {
                        "meeting": [meeting["slug"]],
                        "publisher": [r["publisher"]["slug"]],
                        "language": r["language"],
                        "title": r["title"],
                        "published_at": r["published_at"],
                        "published_offset": 0,  # the corpus publishes in UTC
                        "url": r["url"],
                        "body": r["body"],
                    },
                }
            )
            for s in r["statements"]:
                rows.append(
                    {
                        "model": "readouts.statement",
                        "fields": {
                            "readout": key,
                            "sequence": s["sequence"],
                            "speaker": [s["speaker"]] if s["speaker"] else None,
                            "text": s["text"],
                            "topics": [[t] for t in s["topics"]],
                        },
                    }
                )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20221027)
    parser.add_argument("--format", choices=["documents", "django"], default="documents")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    corpus = build(args.meetings, args.seed)
    data = corpus if args.format == "documents" else as_django_fixture(corpus)
    text = json.dumps(data, ensure_ascii=False)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        statements = sum(len(r["statements"]) for d in corpus["documents"] for r in d["readouts"])
        print(
            f"{args.output}: {args.meetings:,} meetings, {statements:,} statements", file=sys.stderr
        )
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
