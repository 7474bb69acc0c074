"""Names that are not a person's: an office, a body or a group.

A draft that proposes "Affairs Commission" or "White House" as a person is
warned of (readouts/importing/warnings.py); a participant recorded with such a
name is a finding for curators (readouts/findings.py).
"""

import re


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
