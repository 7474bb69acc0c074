"""Make the demo data from the importer's drafts: fixtures/100-white-house-readouts.json.

    DATABASE_URL=… .venv/bin/python bench/demo_data.py DRAFTS -o DOCUMENTS

DRAFTS is the folder `manage.py import_readout_text … -o DRAFTS` wrote; the database
is the one it drafted against (the founding readout, the publishers, the topic
vocabulary and the known participants loaded). Each draft becomes a document:

1. a readout with a hand-checked document in tests/data/importer/ (expected/ and
   the held-out sets' expected/) takes the checked one — participants, titles,
   location, statements and speakers as checked — with the topics the importer
   suggests for each checked statement (the checked documents leave topics empty);
   checked contacts the importer did not draft are added;
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
    ROOT / "tests" / "data" / "importer" / "held-out-3" / "expected",
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
    # Other forms of the name the Office of the Historian's records use, so that its
    # entries (fixtures/200-historian-records.json) find the person recorded here.
    "benjamin-gantz": {"aliases": ["Benny Gantz"]},
    "micheal-martin": {"aliases": ["Michael Martin"]},
    "oleksii-reznikov": {"aliases": ["Oleksiy Reznikov"]},
    "frank-bainimarama": {"aliases": ["Josaia Voreqe Bainimarama"]},
    "salman-bin-abdulaziz-al-saud": {"aliases": ["Salman bin Abd al-Aziz Al Saud"]},
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
    end_date: str | None = None,
    kind: str | None = None,
    location: str | None = None,
    people: dict[str, dict | None] | None = None,
    add: list[dict] = (),
    first: str | None = None,
    segments: list[tuple[str | None, str]] | None = None,
    drop: tuple[int, ...] = (),
    start: tuple[int, str] | None = None,
):
    """A correction: the meeting's date (and last day, for a text that gives only the week),
    kind or location; participants replaced (slug: the
    person the text names, or None to take out; their statements follow, or become
    joint) or added; statements made again from the body (speaker, first words), some
    taken out, or one begun later (an opening that only says who met whom cut off)."""

    def correct(document: dict) -> None:
        meeting = document["meeting"]
        if date is not None:
            meeting["date"] = date
        if end_date is not None:
            meeting["end_date"] = end_date
        if kind is not None:
            meeting["kind"] = kind
        if location is not None:
            meeting["location"] = location
        replaced = {}
        for old, new in (people or {}).items():
            entry = next((p for p in document["participants"] if p["slug"] == old), None)
            if entry is None:
                slugs = [p["slug"] for p in document["participants"]]
                if new is None or new["slug"] in slugs:
                    continue  # the draft has it right already
                raise ValueError(f"{old!r} is not among the draft's participants {slugs}")
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
    "readout-of-president-bidens-meeting-with-president-macky-sall-of-senegal": fix(
        location="G7 Summit"  # "At the G7 Summit, President Biden met with ..."
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
    # Read against the text after the importer's drafts changed (2026-12-03).
    "readout-from-nsc-spokesperson-emily-horne-on-national-security-advisor-jake-sullivans-"
    "meeting-with-israeli-minister-of-defense-benjamin-gantz": fix(
        # "They exchanged views on ... Gaza and Mr. Sullivan highlighted ...": his.
        segments=[
            ("jake-sullivan", "National Security Advisor Jake Sullivan met today"),
            ("jake-sullivan", "They exchanged views on the current situation"),
            (None, "They also discussed their common interest"),
        ]
    ),
    "readout-from-nsc-spokesperson-emily-horne-on-national-security-advisor-jake-"
    "sullivans-meeting-with-jordanian-deputy-prime-minister-and-minister-of-foreign-"
    "affairs-and-expatriates-ayman-safadi": fix(
        segments=[
            ("jake-sullivan", "The United States emphasized"),
            (None, "The two shared concerns"),
            ("jake-sullivan", "Mr. Sullivan recognized"),
            (None, "The U.S. and Jordanian officials discussed"),
        ],
    ),
    "readout-of-jake-sullivans-bilateral-meeting-with-israeli-nsa-meir-ben-shabbat": fix(
        people={
            "jake-sullivan": person("jake-sullivan", "National Security Advisor"),
            "meir-ben-shabbat": person("meir-ben-shabbat", "National Security Advisor"),
        },
        segments=[
            (None, "The U.S. and Israeli officials discussed"),
            ("jake-sullivan", "The United States updated Israel"),
            (None, "The United States and Israel agreed on"),
            (None, "The United States and Israel agreed to establish"),
            (None, "The two sides also shared"),
            ("jake-sullivan", "The U.S. strongly condemned"),
            ("jake-sullivan", "The United States remains unyielding"),
        ],
    ),
    "readout-of-national-security-advisor-jake-sullivans-meeting-with-kenyan-national-"
    "security-advisor-monica-juma": fix(
        kind="phone_call",  # "Jake Sullivan called Dr. Monica Juma today"
        segments=[
            ("jake-sullivan", "Assistant to the President for National Security Affairs"),
            (None, "Mr. Sullivan and Dr. Juma discussed"),
            ("jake-sullivan", "Mr. Sullivan urged"),
            (None, "Mr. Sullivan and Dr. Juma also expressed"),
            (None, "The United States has provided"),
            (None, "Mr. Sullivan and Dr. Juma reaffirmed"),
        ],
    ),
    "readout-of-national-security-advisor-jake-sullivans-meeting-with-tomas-pojar-"
    "national-security-advisor-to-the-prime-minister-of-the-czech-republic": fix(
        segments=[
            (None, "They expressed their strong commitment"),
            (None, "They welcomed the deepening"),
            (None, "In addition, they discussed"),
        ],
    ),
    "readout-of-president-bidens-call-with-his-majesty-king-abdullah-ii-of-jordan": fix(drop=(0,)),
    "readout-of-president-bidens-meeting-with-european-commission-president-ursula-von-"
    "der-leyen": fix(
        segments=[
            (None, "They welcomed the revitalization"),
            (None, "The leaders addressed the humanitarian"),
            (None, "They discussed our shared commitment"),
            (None, "In addition, they expressed"),
        ],
    ),
    "readout-of-president-bidens-meeting-with-president-andres-manuel-lopez-obrador-of-mexico": fix(
        segments=[
            ("joe-biden", "President Joseph R. Biden, Jr. met yesterday"),
            (None, "The Presidents discussed progress"),
            (None, "They discussed their visions"),
            (None, "In view of the complex"),
            (None, "Building on the October announcement"),
            ("joe-biden", "As a symbol of our mutual respect"),
            (None, "President Biden and President López Obrador reiterated"),
        ],
    ),
    "readout-of-president-bidens-meeting-with-president-guillermo-lasso-of-ecuador": fix(
        segments=[
            ("joe-biden", "President Joseph R. Biden, Jr. met today"),
            (None, "The leaders discussed strengthening"),
            ("joe-biden", "As a part of the visit"),
            (None, "The leaders also agreed to deepen"),
            ("joe-biden", "The United States supported a $530"),
            (None, "During the meeting, the Presidents committed"),
            (None, "During the meeting, President Biden and President Lasso"),
            ("joe-biden", "President Biden recognized"),
            (None, "Finally, the leaders welcomed"),
        ],
    ),
    "readout-of-president-bidens-meeting-with-president-jair-bolsonaro-of-brazil": fix(
        segments=[
            (None, "President Joseph R. Biden, Jr. and President Jair Messias Bolsonaro met"),
            (None, "The Leaders pledged"),
            (None, "President Biden and President Bolsonaro also discussed"),
        ],
    ),
    "readout-of-president-bidens-meeting-with-prime-minister-modi-of-india": fix(
        segments=[
            ("joe-biden", "President Biden met with Prime Minister Narendra Modi"),
            (None, "The leaders reviewed the progress"),
            (None, "The leaders discussed their shared belief"),
            ("joe-biden", "President Biden condemned"),
            (None, "The leaders’ committed"),
            (None, "President Biden and Prime Minister Modi renewed"),
            ("joe-biden", "President Biden welcomed India’s role"),
            (None, "They expressed pride"),
            ("joe-biden", "- President Biden welcomed India’s decision"),
            (None, "- The two countries concluded"),
            (None, "- The two countries are renewing"),
            (None, "- The two countries announced"),
            (None, "- The leaders welcomed the launch"),
            ("joe-biden", "- The U.S. plans to join"),
            (None, "- Recognizing the fundamental role"),
            (None, "- The U.S. and India committed"),
        ],
    ),
    "readout-of-president-joseph-r-biden-jr-call-with-president-ashraf-ghani-of-afghanistan-2": fix(
        segments=[
            (None, "President Biden and President Ghani discussed"),
            ("joe-biden", "President Biden emphasized continued"),
            (None, "President Biden and President Ghani agreed"),
            ("joe-biden", "President Biden also reaffirmed"),
            (None, "The FY2022 request to Congress"),
            (None, "They deplored"),
            (None, "The United States recently announced"),
            ("joe-biden", "President Biden urged"),
            (None, "The two leaders discussed the importance"),
        ],
    ),
    "readout-of-the-presidents-call-with-allies-and-partners": fix(
        segments=[
            ("joe-biden", "President Joseph R. Biden, Jr. hosted"),
            (None, "The leaders affirmed their solidarity"),
            (None, "Joining President Biden on the call"),  # the list of participants: no statement
        ],
        drop=(2,),
    ),
    "readout-from-nsc-spokesperson-emily-horne-on-senior-administration-official-travel-"
    "to-israel-and-the-west-bank": fix(
        end_date="2021-12-22",  # "December 21-22"
        location="Jerusalem and Ramallah",
        people={
            "herzog": person(
                "isaac-herzog", "President"
            ),  # recorded; the text says only "President Herzog"
            "yair-lapid": person("yair-lapid", "Foreign Minister and Alternate Prime Minister"),
        },
        add=[
            person("tom-nides", "Ambassador to Israel", name="Tom Nides", country="US"),
            person(
                "brett-mcgurk",
                "Deputy Assistant to the President and Middle East and North Africa Coordinator",
                name="Brett McGurk",
                country="US",
            ),
            person(
                "yael-lempert",
                "Acting Assistant Secretary of State for Near Eastern Affairs",
                name="Yael Lempert",
                country="US",
            ),
        ],
        segments=[
            (None, "In Jerusalem, Mr. Sullivan met with"),
            (None, "Mr. Sullivan and Dr. Hulata also led"),
            ("jake-sullivan", "In his meetings with senior Israeli officials"),
            (
                "jake-sullivan",
                "The U.S. and Israeli delegations held detailed consultations on Iran",
            ),
            ("jake-sullivan", "Mr. Sullivan commended"),
            (None, "The U.S. and Israeli delegations discussed efforts"),
            (None, "The two sides also exchanged"),
            ("jake-sullivan", "Mr. Sullivan stressed"),
            ("jake-sullivan", "In Ramallah, Mr. Sullivan met"),
            (None, "They discussed the steps"),
            ("jake-sullivan", "Mr. Sullivan reaffirmed President Biden’s commitment to achieving"),
            (None, "Mr. Sullivan’s trip to Israel"),
        ],
    ),
    "readout-of-homeland-security-advisor-dr-liz-sherwood-randalls-visit-to-france": fix(
        date="2022-03-14",  # "During the week of March 14": no day given, so that week
        end_date="2022-03-19",  # (up to the day it was published)
        location="Paris",
        add=[
            person(
                "laurent-nunez",
                "National Intelligence and Counter-Terrorism Coordinator",
                name="Laurent Nuñez",
                country="FR",
            )
        ],
        start=(0, "They met with"),
    ),
    "readout-of-homeland-security-advisor-dr-liz-sherwood-randalls-visit-to-kosovo": fix(
        date="2022-03-14",  # "During the week of March 14": no day given, so that week
        end_date="2022-03-19",  # (up to the day it was published)
        location="Pristina",
        people={"vjosa-osmani-sadriu": person("vjosa-osmani-sadriu", "President")},
        drop=(0,),
    ),
    "readout-of-national-security-advisor-jake-sullivans-meeting-with-asta-skaisgiryte-"
    "and-kestutis-budrys-advisors-to-the-president-of-lithuania": fix(
        people={
            "asta-skaisgiryte": person(
                "asta-skaisgiryte", "Chief Foreign Policy Advisor to the President"
            ),
            "kestutis-budrys": person(
                "kestutis-budrys", "Chief National Security Advisor to the President"
            ),
        },
        drop=(0,),
    ),
    "readout-of-president-bidens-audience-with-his-holiness-pope-francis": fix(
        people={"francis": person("francis", "Pope", country="VA")},
    ),
    "readout-of-president-joe-bidens-participation-in-the-apec-virtual-leaders-retreat": fix(
        drop=(0,),
    ),
    "readout-of-senior-administration-official-travel-to-nigeria-equatorial-guinea-and-"
    "mauritania": fix(
        date="2021-10-18",  # "Earlier this week" (published Thursday 21 Oct): no day given
        end_date="2021-10-21",
        location="Nigeria, Equatorial Guinea and Mauritania",
        people={
            "yemi-osinbajo": person("yemi-osinbajo", "Vice President", country="NG"),
            "geoffrey-onyeama": person(
                "geoffrey-onyeama", "Minister of Foreign Affairs", country="NG"
            ),
            "mohamed-ould-ghazouani": person("mohamed-ould-ghazouani", "President", country="MR"),
            "cheikh-ahmed": person(
                "ismael-ould-cheikh-ahmed",
                "Minister for Foreign Affairs",
                name="Ismael Ould Cheikh Ahmed",
                country="MR",
            ),
            "hanana-sidi": person("hanana-sidi", "Minister of Defense", country="MR"),
        },
        segments=[
            (None, "The trip underscored"),
            (None, "In Nigeria, Mr. Finer met with"),  # dropped: who met whom
            ("jon-finer", "Mr. Finer affirmed"),
            (None, "The two delegations discussed"),
            ("jon-finer", "Mr. Finer expressed the U.S. commitment"),
            (None, "The delegations discussed the Build Back"),
            (None, "In Equatorial Guinea, Mr. Finer met"),
            (None, "In Mauritania, Mr. Finer met"),  # dropped: who met whom
            ("jon-finer", "He expressed U.S. support for Mauritania"),
            (None, "They also discussed the B3W"),
            (None, "While in Mauritania"),  # dropped: G5 Sahel staff, YALI alumni
        ],
        drop=(1, 7, 10),
    ),
    "readout-of-senior-administration-travel-to-india": fix(
        date="2022-03-28",  # "This week" (published Friday 1 Apr): no day given, so that week
        end_date="2022-04-01",
        people={
            "harsh-shringla": person(
                "harsh-shringla", "Foreign Secretary", name="Harsh V. Shringla"
            ),
            "piyush-goyal": person("piyush-goyal", "Minister of Commerce and G20 Sherpa"),
        },
        segments=[
            (None, "This week, Deputy National Security Advisor Daleep Singh"),
            ("daleep-singh", "Singh also continued"),
            (None, "Singh met with Principal Secretary"),  # dropped: who met whom
            ("daleep-singh", "Singh consulted with Indian counterparts"),
            (None, "Singh and his counterparts also advanced"),
            (None, "The conversations were productive"),
        ],
        drop=(2,),
    ),
    "readout-trilateral-meeting-of-prime-minister-boris-johnson-of-the-united-kingdom-"
    "president-joe-biden-and-prime-minister-scott-morrison-of-australia": fix(
        location="G7 Summit",
        first="joe-biden",
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
    """The date and the first person of each side (the first named and the first of another
    country), ordered by country code, then slug, as the importer names a meeting."""

    def country(p: dict) -> str:
        return p.get("country") or countries.get(p["slug"]) or "~"

    first, *others = document["participants"]
    other = next((p for p in others if country(p) != country(first)), others[0] if others else None)
    principals = sorted([first] + ([other] if other else []), key=lambda p: (country(p), p["slug"]))
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
