"""Names that are not a person's: an office, a body or a group.

A draft that proposes "Affairs Commission" or "White House" as a person is
warned of (readouts/importing/warnings.py); a participant recorded with such a
name is a finding for curators (readouts/findings.py).
"""

import re
import unicodedata


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that name an office, a body or a group, not a person. A person's name
# never ends in one of them ("Affairs Commission", "Prime Minister", "White House").
INSTITUTION_WORDS = _words(
    """
    minister ministers ministry president presidents presidency premier chancellor chancellery
    secretary secretaries secretariat director directorate advisor advisors adviser advisers
    ambassador ambassadors embassy envoy envoys commission commissioner council committee
    department office house leaders leader delegation delegations government governments
    administration cabinet parliament assembly congress senate agency affairs union
    organization organisation nations states republic kingdom people team staff officials
    forces bureau party ministries authority board fund summit partners allies counterparts
    spokesperson spokesman chairman chairperson chairwoman representative representatives
    coalition alliance group forum foundation association institute service services
    """
)
# Words that describe an office or a body and come before it ("Diplomatic Advisor",
# "Women Leaders", "Foreign Affairs"): a name made of these and the words above is none.
DESCRIBING_WORDS = _words(
    """
    foreign central national federal supreme prime deputy vice executive general diplomatic
    security defense defence economic political permanent special senior chief joint
    international women youth business civil military armed white state states united
    european african asian american world global regional
    """
)


def not_a_name(name: str) -> bool:
    """A "name" that is an office, a body or a group: it ends in a word for one, or all its
    words describe one ("Women Leaders", "Diplomatic Advisor", "White House")."""
    words = [w.strip(",.’'").lower() for w in name.split()]
    words = [re.sub(r"(?:’s|'s)$", "", w) for w in words if w]
    if not words:
        return False
    if any(not w[:1].isalpha() or w in {"of", "the", "for"} for w in words):
        return True
    return words[-1] in INSTITUTION_WORDS or all(
        w in INSTITUTION_WORDS or w in DESCRIBING_WORDS for w in words
    )


# Cyrillic letters drawn like Latin ones. A word that mixes them with Latin letters is a
# Latin word typed with a wrong key ("Niinistӧ", with Cyrillic "ӧ"): read as Latin, so
# it matches the person recorded. A Cyrillic word is left as it is.
LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁӏАВЕКМНОРСТХІЈЅ",
    "aeopcyxijsdlABEKMHOPCTXIJS",
)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
MIXED_WORD = re.compile(r"\w*(?:[a-zA-Z]\w*[\u0400-\u04ff]|[\u0400-\u04ff]\w*[a-zA-Z])\w*")


def latin_lookalikes(text: str) -> str:
    """`text` with the Cyrillic look-alike letters of words that mix scripts as Latin."""
    if not CYRILLIC.search(text):
        return text
    return MIXED_WORD.sub(lambda m: _as_latin(m.group()), text)


def _as_latin(word: str) -> str:
    # Cyrillic "ӧ" is Cyrillic "o" with a diaeresis: decompose, map the letter, compose again.
    decomposed = unicodedata.normalize("NFD", word).translate(LOOKALIKES)
    return unicodedata.normalize("NFC", decomposed)
