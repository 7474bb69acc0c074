"""Make the demo data from the importer's drafts: fixtures/100-white-house-readouts.json.

    DATABASE_URL=… .venv/bin/python bench/demo_data.py DRAFTS -o DOCUMENTS

DRAFTS is the folder `manage.py import_readout_text … -o DRAFTS` wrote; the database
is the one it drafted against (the founding readout, the publishers, the topic
vocabulary and the known participants loaded). Each draft becomes a document:

1. a readout with a hand-checked document in tests/data/importer/ (expected/,
   held-out/expected/, held-out-2/expected/) takes the checked one — participants,
   titles, location, statements and speakers as checked — with the topics the
   importer suggests for each checked statement (the checked documents leave topics
   empty); checked contacts the importer did not draft are added;
2. the corrections below, made by reading each readout the drafting warned about or
   `manage.py audit_records` listed, are applied: each says what the text says;
3. the meeting's slug is made again from its date and two principals, ordered as the
   importer orders them (by country code, then slug), so both governments' drafts agree.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from readouts import documents as doc  # noqa: E402 (plain Python, no Django set-up)

CHECKED = [
    ROOT / "tests" / "data" / "importer" / "expected",
    ROOT / "tests" / "data" / "importer" / "held-out" / "expected",
    ROOT / "tests" / "data" / "importer" / "held-out-2" / "expected",
]
WHITE_HOUSE = "https://bidenwhitehouse.archives.gov/"


def _participant(document: dict, slug: str) -> dict:
    return next(p for p in document["participants"] if p["slug"] == slug)


def _statements(document: dict) -> list[dict]:
    return document["readouts"][0]["statements"]


# One person drafted under two slugs: the slug on the left is made the one on the right
# (the checked documents' slug, or the person's full name), in every draft.
SAME_PERSON: dict[str, str] = {
    "yoshihide-suga": "suga-yoshihide",  # Japanese names family name first, as checked
    "fumio-kishida": "kishida-fumio",
    "abdel-fattah-el-sisi": "abdel-fattah-al-sisi",
    "alejandro-giammattei-falla": "alejandro-giammattei",
    "lopez-obrador": "andres-manuel-lopez-obrador",
    "bennett": "naftali-bennett",
    "elizabeth-truss": "liz-truss",
    "joseph-biden-jrs": "joe-biden",  # "President Joseph R. Biden Jr.s" in a title
    "nsa-meir-ben-shabbat": "meir-ben-shabbat",
}
# A name or country given otherwise than the text and the person's own spelling.
PEOPLE: dict[str, dict] = {
    "andres-manuel-lopez-obrador": {"name": "Andrés Manuel López Obrador"},
}


def rename(document: dict) -> None:
    seen = set()
    participants = []
    for p in document["participants"]:
        if p["slug"] in SAME_PERSON:
            p = doc.participant(SAME_PERSON[p["slug"]], title=p.get("title", ""))
        if p["slug"] not in seen:
            seen.add(p["slug"])
            participants.append(p)
    document["participants"] = participants
    for readout in document["readouts"]:
        for statement in readout["statements"]:
            if statement["speaker"] in SAME_PERSON:
                statement["speaker"] = SAME_PERSON[statement["speaker"]]


def fix(
    *,
    date: str | None = None,
    location: str | None = None,
    people: dict[str, dict | None] | None = None,
    add: list[dict] = (),
    first: str | None = None,
    segments: list[tuple[str | None, str]] | None = None,
    drop: tuple[int, ...] = (),
    start: tuple[int, str] | None = None,
):
    """A correction: the meeting's date or location; participants replaced (slug: the
    person the text names, or None to take out; their statements follow, or become
    joint) or added; statements made again from the body (speaker, first words), some
    taken out, or one begun later (an opening that only says who met whom cut off)."""

    def correct(document: dict) -> None:
        meeting = document["meeting"]
        if date is not None:
            meeting["date"] = date
        if location is not None:
            meeting["location"] = location
        replaced = {}
        for old, new in (people or {}).items():
            entry = next(p for p in document["participants"] if p["slug"] == old)
            index = document["participants"].index(entry)
            if new is None:
                del document["participants"][index]
            else:
                # The same person with another title keeps the fields the draft gives.
                document["participants"][index] = {**entry, **new} if new["slug"] == old else new
            replaced[old] = new["slug"] if new else None
        document["participants"] += list(add)
        if first is not None:
            entry = next(p for p in document["participants"] if p["slug"] == first)
            document["participants"].remove(entry)
            document["participants"].insert(0, entry)
        readout = document["readouts"][0]
        for statement in readout["statements"]:
            if statement["speaker"] in replaced:
                statement["speaker"] = replaced[statement["speaker"]]
        if segments is not None:
            body, starts = readout["body"], [body_index(readout["body"], w) for _s, w in segments]
            readout["statements"] = [
                doc.statement(speaker, body[at:end].strip())
                for (speaker, _w), at, end in zip(
                    segments, starts, [*starts[1:], None], strict=True
                )
            ]
        if drop:
            readout["statements"] = [
                s for i, s in enumerate(readout["statements"]) if i not in drop
            ]
        if start is not None:
            index, words = start
            text = readout["statements"][index]["text"]
            readout["statements"][index]["text"] = text[text.index(words) :]
        for n, statement in enumerate(readout["statements"], 1):
            statement["sequence"] = n

    return correct


def body_index(body: str, words: str) -> int:
    at = body.find(words)
    if at < 0:
        raise ValueError(f"not in the readout: {words!r}")
    return at


def person(slug: str, title: str, **fields) -> dict:
    return doc.participant(slug, title=title, **fields)


# The corrections, by the readout's source URL (its last part), each what the text says.
# None drops the draft: not a diplomatic contact (no foreign counterpart is named).
CORRECTIONS: dict[str, object] = {
    # People: an office, a body or a group drafted as a person, a person matched wrongly.
    "readout-from-nsc-spokesperson-on-national-security-advisor-jake-sullivan-meeting-with-"
    "israeli-national-security-advisor-eyal-hulata": fix(
        # "Jake Sullivan hosted … Dr. Eyal Hulata at the White House on Feb. 9"
        date="2022-02-09",
        people={"nsc-spokesperson": person("jake-sullivan", "National Security Advisor")},
        segments=[
            (None, "They underscored"),
            ("jake-sullivan", "Mr. Sullivan reiterated"),
            (None, "The National Security Advisors also"),
            (None, "Mr. Sullivan and Dr. Hulata agreed"),
        ],
    ),
    "readout-of-president-bidens-meeting-with-prime-minister-andersson-of-sweden-and-"
    "president-niinist%d3%a7-of-finland": fix(
        # "met today with Prime Minister Magdalena Andersson of Sweden and President Sauli
        # Niinistö of Finland"
        people={
            "andersson-of-sweden": person("magdalena-andersson", "Prime Minister"),
            "niinist": person("sauli-niinisto", "President"),
        }
    ),
    "readout-of-national-security-advisor-jake-sullivans-meeting-with-1st-vice-foreign-"
    "minister-cho-hyundong-and-vice-defense-minister-shin-beomchul-of-the-republic-of-korea": fix(
        people={
            "republic": person(
                "cho-hyundong", "1st Vice Foreign Minister", name="Cho Hyundong", country="KR"
            ),
            "shin-beomchul": person(
                "shin-beomchul", "Vice Defense Minister", name="Shin Beomchul", country="KR"
            ),
        }
    ),
    "readout-of-national-security-advisor-jake-sullivans-meeting-with-frans-timmermans-"
    "executive-vice-president-of-the-european-commission": fix(
        people={
            "executive-vice-president": None,
            "frans-timmermans": person(
                "frans-timmermans",
                "Executive Vice President",
                name="Frans Timmermans",
                country="",
                organization="European Commission",
            ),
        }
    ),
    "readout-of-vice-president-kamala-harriss-meeting-with-prime-minister-boris-johnson-of-"
    "the-united-kingdom-of-great-britain-and-northern-ireland": fix(
        people={"northern-ireland": None}  # the country's name in the title, not a person
    ),
    "readout-of-president-bidens-meeting-with-crown-prince-sheikh-mishal-al-ahmad-al-jabir-"
    "al-sabah-of-kuwait": fix(
        # The Crown Prince, drafted as the Emir his brother; "Today in Jeddah"
        location="Jeddah",
        people={
            "nawaf-al-ahmad-al-jaber-al-sabah": person(
                "mishal-al-ahmad-al-jabir-al-sabah",
                "Crown Prince",
                name="Mishal Al-Ahmad Al-Jabir Al-Sabah",
                country="KW",
            )
        },
    ),
    "readout-from-nsc-spokesperson-adrienne-watson-of-senior-administration-official-"
    "travel-to-colombia": fix(
        # Jon Finer met Duque, Petro and Marquez; Gordon, Nichols and Gonzalez joined him.
        people={
            "francia-marquez": person(
                "francia-marquez", "Vice President-Elect", name="Francia Marquez", country="CO"
            )
        },
        add=[
            person("jon-finer", "Principal Deputy National Security Advisor"),
            person(
                "phil-gordon",
                "National Security Advisor to the Vice President",
                name="Phil Gordon",
                country="US",
            ),
            person("brian-nichols", "Assistant Secretary of State for Western Hemisphere Affairs"),
            person(
                "juan-gonzalez",
                "National Security Council Senior Director for the Western Hemisphere",
            ),
        ],
        first="jon-finer",
        segments=[
            ("jon-finer", "During the visit, Mr. Finer thanked"),
            (None, "Mr. Finer and the incoming administration"),
        ],
    ),
    "readout-of-apnsa-jake-sullivans-calls-with-national-security-council-secretary-armen-"
    "grigoryan-of-armenia-and-head-of-the-foreign-relations-department-of-the-presidential-"
    "administration": fix(
        people={
            "jake-sullivan": person("jake-sullivan", "National Security Advisor"),
            "hikmat-hajiyev": person(
                "hikmat-hajiyev",
                "Head of the Foreign Relations Department of the Presidential Administration "
                "of Azerbaijan",
                name="Hikmat Hajiyev",
                country="AZ",
            ),
        }
    ),
    # Titles as the text gives them.
    "readout-of-jake-sullivans-bilateral-meeting-with-israeli-nsa-meir-ben-shabbat": fix(
        people={
            "jake-sullivan": person("jake-sullivan", "National Security Advisor"),
            "meir-ben-shabbat": person("meir-ben-shabbat", "National Security Advisor"),
        }
    ),
    "readout-of-apnsa-jake-sullivans-call-with-qatari-deputy-prime-minister-and-foreign-"
    "minister-mohammed-bin-abdulrahman-bin-jassim-al-thani": fix(
        people={"jake-sullivan": person("jake-sullivan", "National Security Advisor")}
    ),
    "readout-of-president-bidens-meeting-with-amir-sheikh-tamim-bin-hamad-al-thani-of-qatar": fix(
        people={"tamim-bin-hamad-al-thani": person("tamim-bin-hamad-al-thani", "Amir")}
    ),
    # Not diplomatic contacts: no foreign counterpart is named.
    "readout-of-white-house-meeting-with-iranian-human-rights-activists": None,
    "readout-of-vice-president-harriss-meeting-with-japanese-business-executives": None,
    # An opening that only says who met whom is no statement.
    "readout-of-vice-president-harriss-meeting-with-prime-minister-albanese-of-australia": fix(
        start=(0, "The Vice President underscored")
    ),
    "readout-of-president-joe-bidens-meeting-with-president-xi-jinping-of-the-peoples-"
    "republic-of-china": fix(drop=(0,)),
    # Dates and locations as the text gives them.
    "readout-of-national-security-advisor-jake-sullivans-meeting-with-president-alejandro-"
    "giammattei-of-guatemala": fix(
        # "on December 8 at the U.S. Chamber of Commerce building"
        date="2021-12-08",
        location="U.S. Chamber of Commerce building, Washington",
    ),
    "readout-of-vice-president-harriss-meeting-with-crown-prince-salman-bin-hamad-al-khalifa-"
    "of-bahrain": fix(location="Washington, D.C."),
    "readout-of-vice-president-harriss-meeting-with-president-macron-on-space-cooperation": fix(
        location="NASA headquarters, Washington, D.C."
    ),
    "readout-of-president-bidens-meeting-with-amir-sheikh-tamim-bin-hamad-al-thani-of-qatar-2": (
        fix(
            location="Jeddah",
            people={"tamim-bin-hamad-al-thani": person("tamim-bin-hamad-al-thani", "Amir")},
        )
    ),
    "readout-of-president-bidens-meeting-with-president-emmanuel-macron-of-france": fix(
        location="G7 Summit"
    ),
    "readout-of-president-bidens-meeting-with-president-cyril-ramaphosa-of-south-africa": fix(
        location="G7 Summit"
    ),
    "readout-of-president-bidens-meeting-with-prime-minister-mario-draghi-of-italy": fix(
        location="G7 Summit"
    ),
    "readout-of-president-bidens-meeting-with-prime-minister-suga-yoshihide-suga-of-japan": fix(
        location="G7 Summit"
    ),
    "readout-of-president-bidens-meeting-with-president-andrzej-duda-of-poland": fix(
        location="NATO Summit"
    ),
    "readout-of-president-bidens-meeting-with-president-felix-tshisekedi-of-the-democratic-"
    "republic-of-the-congo": fix(location="G20 Summit"),
    "readout-of-president-bidens-meeting-with-president-recep-tayyip-erdogan-of-turkey": fix(
        location="G20 Summit"
    ),
    "readout-of-president-bidens-meeting-with-president-recep-tayyip-erdogan-of-turkey-2": fix(
        location="NATO Summit"
    ),
    "readout-of-president-bidens-trilateral-with-president-yoon-suk-yeol-of-the-republic-of-"
    "korea-and-prime-minister-fumio-kishida-of-japan": fix(location="NATO Summit"),
    "readout-of-vice-president-harriss-meeting-with-president-lopez-obrador-of-mexico": fix(
        location="Naval Observatory"
    ),
    "readout-of-vice-president-harriss-meeting-with-president-cyril-ramaphosa-of-south-africa": (
        fix(location="Naval Observatory")
    ),
    "readout-of-president-joe-bidens-meeting-with-prime-minister-liz-truss-of-the-united-"
    "kingdom": fix(location="United Nations General Assembly"),
    "readout-of-president-bidens-meeting-with-president-recep-tayyip-erdogan-of-turkiye": fix(
        location="G20 Summit"
    ),
    "readout-of-president-joe-bidens-meeting-with-prime-minister-rishi-sunak-of-the-united-"
    "kingdom": fix(location="G20 Summit"),
    "readout-of-vice-president-kamala-harriss-meeting-with-prime-minister-trudeau-of-canada": fix(
        location="APEC Leaders Meeting"
    ),
}


def url_key(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def suggest_topics(document: dict, vocabulary) -> None:
    for readout in document["readouts"]:
        for statement in readout["statements"]:
            statement["topics"] = [
                t.slug for t in vocabulary.topics if t.pattern.search(statement["text"])
            ]


def meeting_slug(document: dict, countries: dict[str, str]) -> str:
    people = document["participants"][:2]

    def country(p: dict) -> str:
        return p.get("country") or countries.get(p["slug"]) or "~"

    principals = sorted(people, key=lambda p: (country(p), p["slug"]))
    return f"{document['meeting']['date']}-" + "-".join(p["slug"] for p in principals)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("drafts", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
    import django

    django.setup()
    from readouts.importing import Vocabulary
    from readouts.models import Participant

    vocabulary = Vocabulary.from_database()
    checked: dict[str, dict] = {}
    for folder in CHECKED:
        for path in sorted(folder.glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            url = document["readouts"][0]["url"]
            if url.startswith(WHITE_HOUSE):
                checked[url_key(url)] = document

    documents, used = [], set()
    for path in sorted(options.drafts.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        key = url_key(document["readouts"][0]["url"])
        if key in checked:
            document = copy.deepcopy(checked[key])
            suggest_topics(document, vocabulary)
            used.add(key)
        documents.append((key, document))
    for key, document in checked.items():
        if key not in used:
            document = copy.deepcopy(document)
            suggest_topics(document, vocabulary)
            documents.append((key, document))

    for _key, document in documents:
        rename(document)
    # One definition of each person: the checked documents' where they give one (a draft
    # may spell a name otherwise or leave out the country), else the first draft's.
    people: dict[str, dict] = {}
    for is_checked in (True, False):
        for key, document in documents:
            if (key in checked) == is_checked:
                for p in document["participants"]:
                    if "name" in p:
                        people.setdefault(p["slug"], {k: v for k, v in p.items() if k != "title"})
    for slug, fields in PEOPLE.items():
        people[slug].update(fields)
    for _key, document in documents:
        for p in document["participants"]:
            if "name" in p:
                p.update(people[p["slug"]])

    unused = set(CORRECTIONS) - {key for key, _ in documents}
    if unused:
        sys.exit(f"corrections for readouts not drafted: {sorted(unused)}")
    countries = dict(Participant.objects.values_list("slug", "country"))
    for document in (d for _k, d in documents):
        for p in document["participants"]:
            if p.get("country"):
                countries.setdefault(p["slug"], p["country"])
    written: dict[str, str] = {}
    options.output.mkdir(parents=True, exist_ok=True)
    for old in options.output.glob("*.json"):
        old.unlink()
    for key, document in sorted(documents, key=lambda kd: (kd[1]["meeting"]["date"], kd[0])):
        correct = CORRECTIONS.get(key, lambda d: d)
        if correct is None:
            continue
        correct(document)
        slug, n = meeting_slug(document, countries), 2
        base = slug
        while slug in written:
            slug, n = f"{base}-{n}", n + 1
        document["meeting"]["slug"] = slug
        written[slug] = key
        (options.output / f"{slug}.json").write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    print(f"Wrote {len(written)} document(s) to {options.output}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
