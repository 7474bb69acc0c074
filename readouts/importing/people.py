"""Who is who in a readout: offices, countries, organisations and names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from django.utils import translation
from django_countries import countries

from ..names import latin_lookalikes

# Offices that come before a name, longest first when matching. A qualifier
# ("Deputy", "Acting", "Senior") may precede any of them.
OFFICES = sorted(
    """
    President; Vice President; President-elect; Prime Minister; Deputy Prime Minister;
    First Deputy Prime Minister; Chancellor; Federal Chancellor; Premier; Taoiseach; King; Queen;
    Crown Prince; Prince; Emir; Amir; Sultan; Sheikh; Pope; His Majesty; Her Majesty;
    His Highness; Her Highness; Foreign Minister; Minister of Foreign Affairs; Defense Minister;
    Defence Minister; Minister of Defense; Minister of Defence; Finance Minister;
    Minister of Finance; Minister; State Councilor; Secretary of State; Secretary of Defense;
    Secretary of the Treasury; Secretary; Secretary General; Secretary-General;
    Director-General; Director General; Director; National Security Advisor;
    National Security Adviser; Deputy National Security Advisor; Ambassador;
    Special Envoy; Special Representative; Special Presidential Envoy; Alternate Prime Minister;
    Cardinal; Secretary of State for Defence; Head of the Office of the President;
    Special Presidential Envoy for Climate; Envoy;
    Chairman; Chair; Chairperson; Chairwoman; Chief Executive; Governor-General; Governor;
    Senator; Speaker; Mayor; Leader; Majority Leader; Minority Leader; Representative;
    General Secretary; Commission President; European Commission President;
    European Council President; High Representative; Executive Director; Administrator;
    Managing Director; Chief; Head; Advisor; Adviser; Diplomatic Advisor; Senior Advisor;
    Head of Government; Head of State; Grand Duke; Member;
    Assistant to the President and National Security Advisor;
    Assistant to the President for National Security Affairs; First Minister;
    Deputy First Minister; Attorney General; Coordinating Minister; Assistant to the President;
    Homeland Security Advisor; Commander-in-Chief; Commander; Chief of Staff; Coordinator;
    Dr; Dr.; Mr.; Ms.; Mrs.
    """.replace("\n", " ").split(";"),
    key=len,
    reverse=True,
)
OFFICES = [office.strip() for office in OFFICES if office.strip()]
OFFICE_INSIDE = re.compile(
    r"(?<=\s)(?:"
    # Not "Sheikh" within a name: "Hassan Sheikh Mohamud".
    + "|".join(
        re.escape(o) for o in OFFICES if not o.endswith(".") and o not in {"Dr", "Member", "Sheikh"}
    )
    + r"|Member)(?:-(?:[Dd]esignate|[Ee]lect))?(?=\s)"
)
QUALIFIERS = (
    "Deputy ", "Acting ", "Senior ", "Interim ", "Transitional ", "Former ", "Assistant ",
    "Principal ", "Under ",
)  # fmt: skip
HONORIFICS = frozenset({"Dr", "Dr.", "Mr.", "Ms.", "Mrs.", "Mr", "Ms", "Mrs", "H.E.", "His", "Her"})
# Military ranks written before a name ("Chairman of the Joint Chiefs of Staff Gen. Mark A.
# Milley", "Secretary for Strategic Affairs Admiral Flávio Rocha"): neither office nor name.
RANKS = frozenset({"Gen.", "Adm.", "Admiral", "Lt.", "Col.", "Maj.", "Brig.", "Cmdr.", "Capt."})
# Styles of address that are not offices: "Amir Sheikh Tamim", "Foreign Minister Sayyid Badr".
STYLES = frozenset({"Sheikh", "Sheikha", "Sayyid", "Sayyida"})
HONORIFICS |= RANKS | STYLES
NAME_RANKS = frozenset({"General", "Admiral", "Vice-Admiral", "Colonel", "Lieutenant", "Major"})

# Offices that only people at home hold: a counterpart with one of them is not foreign. A
# Special, High or Permanent Representative is an envoy, not a member of Congress.
DOMESTIC_OFFICES = re.compile(
    r"\b(Governor|Senator|Mayor|Congress(?:man|woman|member)?|"
    r"(?<!Special )(?<!High )(?<!Permanent )Representative|"
    r"Majority Leader|Minority Leader|Speaker|Attorneys? General|Legislators?|CEOs?|"
    r"Secretary of (?:the )?(?:Treasury|Commerce|Labor|Energy|Transportation|Agriculture|Education|"
    r"Interior|Homeland Security|Health|Housing|Veterans))\b"
)

# Offices only another state's people hold in a readout of one's own side.
FOREIGN_OFFICES = re.compile(
    r"\b(?:King|Queen|Prime Minister|Chancellor|Emir|Amir|Sultan|Crown Prince|Foreign Minister|"
    r"Taoiseach|His Majesty|Her Majesty|Pope|Grand Duke)\b"
)

# Names an organisation rather than a country after "of" (and how to write it).
ORGANIZATIONS = {
    "nato": "NATO",
    "the north atlantic treaty organization": "NATO",
    "the united nations": "United Nations",
    "united nations": "United Nations",
    "the un": "United Nations",
    "the european union": "European Union",
    "the eu": "European Union",
    "the european commission": "European Commission",
    "european commission": "European Commission",
    "the european council": "European Council",
    "european council": "European Council",
    "the world health organization": "World Health Organization",
    "world health organization": "World Health Organization",
    "who": "World Health Organization",
    "the african union": "African Union",
    "the african union commission": "African Union Commission",
    "the world bank": "World Bank",
    "the world bank group": "World Bank Group",
    "the international monetary fund": "International Monetary Fund",
    "the imf": "International Monetary Fund",
    "asean": "ASEAN",
    "the association of southeast asian nations": "ASEAN",
    "the organization of american states": "Organization of American States",
    "the world trade organization": "World Trade Organization",
    "the international atomic energy agency": "International Atomic Energy Agency",
    "the iaea": "International Atomic Energy Agency",
    "the g20": "G20",
    "the g7": "G7",
    "the international committee of the red cross": "International Committee of the Red Cross",
    "caricom": "CARICOM",
    "the caribbean community": "CARICOM",
    "caribbean community": "CARICOM",
    "the organization for security and co-operation in europe": "OSCE",
    "the osce": "OSCE",
    "the oecd": "OECD",
    "the gulf cooperation council": "Gulf Cooperation Council",
}
ORGANIZATION_PREFIX = {
    "NATO": "NATO",
    "WHO": "World Health Organization",
    "World Health Organization": "World Health Organization",
    "UN": "United Nations",
    "United Nations": "United Nations",
    "EU": "European Union",
    "European Commission": "European Commission",
    "European Council": "European Council",
    "African Union": "African Union",
    "IMF": "International Monetary Fund",
    "World Bank": "World Bank",
    "ASEAN": "ASEAN",
    "IAEA": "International Atomic Energy Agency",
    "CARICOM": "CARICOM",
    "Caribbean Community": "CARICOM",
    "OSCE": "OSCE",
    "OECD": "OECD",
}

COUNTRY_ALIASES = {
    "united states": "US",
    "the united states": "US",
    "the united states of america": "US",
    "america": "US",
    "korea": "KR",
    "republic of korea": "KR",
    "the republic of korea": "KR",
    "rok": "KR",
    "the democratic people's republic of korea": "KP",
    "dprk": "KP",
    "the democratic republic of the congo": "CD",
    "democratic republic of the congo": "CD",
    "drc": "CD",
    "the republic of the congo": "CG",
    "palestine": "PS",
    "the palestinian authority": "PS",
    "palestinian authority": "PS",
    "the vatican": "VA",
    "vatican": "VA",
    "the holy see": "VA",
    "the people's republic of china": "CN",
    "prc": "CN",
    "the uk": "GB",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "the united kingdom of great britain and northern ireland": "GB",
    "the uae": "AE",
    "uae": "AE",
    "the czech republic": "CZ",
    "turkiye": "TR",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "côte d’ivoire": "CI",
    "the state of qatar": "QA",
    "the kingdom of saudi arabia": "SA",
    "the russian federation": "RU",
    "micronesia": "FM",
    "the federated states of micronesia": "FM",
    "east timor": "TL",
    "burma": "MM",
    "swaziland": "SZ",
    "macedonia": "MK",
    "cape verde": "CV",
    "northern ireland": "GB",
    "scotland": "GB",
    "wales": "GB",
    "england": "GB",
    "argentine": "AR",
    "u.k.": "GB",
    "u.s.": "US",
}

# Adjectives of nationality that stand before an office ("Canadian Prime Minister").
DEMONYMS = {
    "Afghan": "AF", "Albanian": "AL", "Algerian": "DZ", "Angolan": "AO", "Argentine": "AR",
    "Argentinian": "AR", "Armenian": "AM", "Australian": "AU", "Austrian": "AT",
    "Azerbaijani": "AZ", "Bahraini": "BH", "Bangladeshi": "BD", "Belarusian": "BY",
    "Belgian": "BE", "Bolivian": "BO", "Bosnian": "BA", "Brazilian": "BR", "British": "GB",
    "Bulgarian": "BG", "Burmese": "MM", "Cambodian": "KH", "Cameroonian": "CM", "Canadian": "CA",
    "Chilean": "CL", "Chinese": "CN", "Colombian": "CO", "Congolese": "CD", "Costa Rican": "CR",
    "Croatian": "HR", "Cuban": "CU", "Cypriot": "CY", "Czech": "CZ", "Danish": "DK",
    "Dominican": "DO", "Dutch": "NL", "Ecuadorian": "EC", "Egyptian": "EG", "Emirati": "AE",
    "Estonian": "EE", "Ethiopian": "ET", "Fijian": "FJ", "Filipino": "PH", "Finnish": "FI",
    "French": "FR", "Georgian": "GE", "German": "DE", "Ghanaian": "GH", "Greek": "GR",
    "Guatemalan": "GT", "Haitian": "HT", "Honduran": "HN", "Hungarian": "HU", "Icelandic": "IS",
    "Indian": "IN", "Indonesian": "ID", "Iranian": "IR", "Iraqi": "IQ", "Irish": "IE",
    "Israeli": "IL", "Italian": "IT", "Jamaican": "JM", "Japanese": "JP", "Jordanian": "JO",
    "Kazakh": "KZ", "Kenyan": "KE", "Korean": "KR", "South Korean": "KR", "Kosovar": "",
    "Kuwaiti": "KW", "Kyrgyz": "KG", "Latvian": "LV", "Lebanese": "LB", "Libyan": "LY",
    "Lithuanian": "LT", "Luxembourgish": "LU", "Malaysian": "MY", "Maltese": "MT",
    "Mexican": "MX", "Moldovan": "MD", "Mongolian": "MN", "Montenegrin": "ME", "Moroccan": "MA",
    "Mozambican": "MZ", "Namibian": "NA", "Nepali": "NP", "New Zealand": "NZ",
    "Nigerian": "NG", "Nigerien": "NE", "Norwegian": "NO", "Omani": "OM", "Pakistani": "PK",
    "Palestinian": "PS", "Panamanian": "PA", "Paraguayan": "PY", "Peruvian": "PE",
    "Philippine": "PH", "Polish": "PL", "Portuguese": "PT", "Qatari": "QA", "Romanian": "RO",
    "Russian": "RU", "Rwandan": "RW", "Saudi": "SA", "Senegalese": "SN", "Serbian": "RS",
    "Singaporean": "SG", "Slovak": "SK", "Slovenian": "SI", "Somali": "SO",
    "South African": "ZA", "Spanish": "ES", "Sri Lankan": "LK", "Sudanese": "SD",
    "Swedish": "SE", "Swiss": "CH", "Syrian": "SY", "Taiwanese": "TW", "Tanzanian": "TZ",
    "Thai": "TH", "Tunisian": "TN", "Turkish": "TR", "Ugandan": "UG", "Ukrainian": "UA",
    "Uruguayan": "UY", "Uzbek": "UZ", "Venezuelan": "VE", "Vietnamese": "VN", "Yemeni": "YE",
    "Zambian": "ZM", "Zimbabwean": "ZW", "American": "US", "U.S.": "US", "Djiboutian": "DJ",
    "Nepalese": "NP", "Salvadoran": "SV", "Beninese": "BJ", "Kazakhstani": "KZ", "Bruneian": "BN",
    "Barbadian": "BB", "Bahamian": "BS", "Guyanese": "GY", "Belizean": "BZ", "Botswanan": "BW",
    "Gabonese": "GA", "Gambian": "GM", "Guinean": "GN", "Ivorian": "CI", "Liberian": "LR",
    "Malagasy": "MG", "Malawian": "MW", "Malian": "ML", "Mauritanian": "MR", "Nicaraguan": "NI",
    "Sierra Leonean": "SL", "Togolese": "TG", "South Sudanese": "SS", "Eritrean": "ER",
    "Maldivian": "MV", "Samoan": "WS", "Tongan": "TO", "Papua New Guinean": "PG",
    "Palauan": "PW", "Marshallese": "MH", "Tajik": "TJ", "Turkmen": "TM", "Macedonian": "MK",
    "Emirian": "AE", "Chadian": "TD", "Nigerien President": "NE",
}  # fmt: skip
DEMONYM_PATTERN = "|".join(sorted((re.escape(d) for d in DEMONYMS), key=len, reverse=True))

# Small words that belong inside names.
NAME_PARTICLES = frozenset(
    "bin bint al al- el de del della der di da das dos du van von ben ibn la le y e".split()  # noqa: SIM905
)
# Any capital letter, accented or not ("Álvaro", "Çavuşoğlu"): a class of every character
# str.isupper holds for (the re module has no \p{Lu}).
UPPER = (
    "["
    + "".join(re.escape(chr(c)) for c in range(0x10000) if chr(c).isupper() and chr(c).isalpha())
    + "]"
)
NAME_TOKEN = re.compile(rf"^(?:{UPPER}[\w’'\-.]*|[a-z]{{1,4}}-{UPPER}[\w’'\-]*)$")
SUFFIXES = re.compile(r",?\s+(?:Jr\.?|Sr\.?|II|III|IV)$")


def fold(text: str) -> str:
    """Lower case without accents or punctuation differences, for comparing names."""
    text = unicodedata.normalize("NFKD", latin_lookalikes(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").lower()
    return re.sub(r"[\s\-.]+", " ", text).strip()


def country_code(phrase: str) -> str | None:
    """The ISO code a country name stands for, or None."""
    phrase = phrase.strip().rstrip(".,;")
    if not phrase:
        return None
    key = phrase.lower().replace("’", "'")
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    bare = re.sub(r"^the ", "", key)
    if bare in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[bare]
    name = phrase[4:] if phrase.lower().startswith("the ") else phrase
    code = _by_name(name)
    if not code:
        # "the Republic of Fiji", "the Kingdom of Saudi Arabia", "the Argentine Republic"
        bare = STATE_FORMS.sub("", name)
        if bare != name:
            code = _by_name(bare) or COUNTRY_ALIASES.get(bare.lower())
    return code or None


def _by_name(name: str) -> str:
    """countries.by_name, which goes through every country's names (about 2 ms) to find none."""
    name = name.lower()  # as by_name compares
    return _code_of(name) if name in _country_names() else ""


@cache
def _code_of(name: str) -> str:
    return countries.by_name(name)


@cache
def _country_names() -> frozenset[str]:
    """The names, in lower case, that countries.by_name compares a phrase with."""
    names = set()
    with translation.override("en"):  # as by_name reads them
        for country in countries.countries.values():
            if isinstance(country, dict):  # COUNTRIES_OVERRIDE's long form
                found = country.get("names") or [country["name"]]
            else:
                found = [country]
            names.update(str(name).lower() for name in found)
        for shadowed in countries.shadowed_names.values():
            names.update(str(name).lower() for name in shadowed)
    return frozenset(names)


STATE_FORMS = re.compile(
    r"^(?:(?:Federal|Islamic|People’s|People's|Democratic|Socialist|United|Oriental|Bolivarian|"
    r"Plurinational|Hashemite|Cooperative|Co-operative|Independent|Federative)\s+)*"
    r"(?:Republic|Kingdom|State|Sultanate|Principality|Grand Duchy|Federation|Commonwealth|"
    r"Emirate)\s+of\s+(?:the\s+)?|\s+Republic$"
)


def organization(phrase: str) -> str | None:
    return ORGANIZATIONS.get(phrase.strip().lower().replace("’", "'"))


@dataclass
class Person:
    """One person as the readout names them."""

    name: str
    title: str = ""
    country: str | None = None  # None: not known; "" for an organisation
    organization: str = ""
    home: bool = False
    slug: str = ""
    existing: bool = False
    forms: set[str] = field(default_factory=set)  # how the text refers to them
    aliases: list[str] = field(default_factory=list)  # other ways of writing the name

    @property
    def surname(self) -> str:
        tokens = self.name.split()
        return tokens[-1] if tokens else ""

    @property
    def given(self) -> str:
        tokens = self.name.split()
        return tokens[0] if len(tokens) > 1 else ""

    @property
    def foreign_or_organization(self) -> bool:
        return bool(self.organization) or self.country not in (None, "", "US")


# Where names are recorded family name first, as the government writes them in English
# ("Kishida Fumio"), though readouts often give them the other way round ("Fumio Kishida").
# (Chinese and Korean names already come family name first in English text.)
FAMILY_NAME_FIRST = frozenset({"JP"})


def family_name_first(person: Person, text: str) -> None:
    """Write a new person's name family name first where their country records names so.

    Which word is the family name is told by the text itself: the one it uses on its own
    ("Prime Minister Kishida"). Without one, the name stays as written."""
    tokens = person.name.split()
    if person.country not in FAMILY_NAME_FIRST or len(tokens) != 2:
        return
    first, last = (re.escape(t) for t in tokens)
    alone_last = re.search(rf"(?<!{first} )\b{last}\b", text)
    alone_first = re.search(rf"\b{first}\b(?! {last})", text)
    if alone_last and not alone_first:
        person.aliases.append(person.name)
        person.forms.add(person.name)
        person.name = f"{tokens[1]} {tokens[0]}"


def clean_name(name: str, *, keep_numeral: bool = False) -> str:
    name = name.strip().strip(",")
    numeral = re.search(r"\s+(?:II|III|IV|V|VI)$", name)
    if not (keep_numeral and numeral and len(name[: numeral.start()].split()) == 1):
        # "Abdullah II", "Charles III": a monarch's numeral is part of a one-word name.
        name = SUFFIXES.sub("", name).strip()
    tokens = name.split()
    # "Sheikh Tamim bin Hamad": a style before the name; "Hassan Sheikh Mohamud": a name.
    while tokens and tokens[0] in HONORIFICS:
        tokens.pop(0)
    tokens = [t for t in tokens if t not in HONORIFICS - STYLES]
    # "General Vicente Hernandez": a rank before a full name.
    while len(tokens) > 2 and tokens[0] in NAME_RANKS:
        tokens.pop(0)
    # Middle initials ("Joseph R. Biden") are a way of writing, not a different name.
    if len(tokens) > 2:
        tokens = (
            [tokens[0]]
            + [t for t in tokens[1:-1] if not re.fullmatch(r"[A-Z]\.", t)]
            + [tokens[-1]]
        )
    return " ".join(tokens)


# Words that name an institution, never a person: "... Foreign Affairs Commission" is the end
# of an office, not a name.
INSTITUTION_WORDS = frozenset(
    """Affairs Commission Committee Council Office Ministry Department Secretariat Agency
    Assembly Forces Staff Bureau Cabinet Cooperation Security Defence Defense Trade State
    Government Administration Union Organization Bank Fund Relations Development""".split()  # noqa: SIM905
)
# Offices that an "of ...", "for ..." phrase can continue ("Minister of Foreign Affairs and
# Trade", "Secretary of State for Defence", "Special Representative for ... Cooperation").
EXTENSIBLE = re.compile(
    r"(?:Minister|Secretary|State|Director|Envoy|Representative|Advisor|Adviser|Chief|Head|"
    r"General|Chairman|Chair|Commissioner|Affairs|Defense|Defence|Finance|to the President|"
    r"Commander|Commander-in-Chief|Chief of Staff|Administrator|Coordinator)$"
)
# An honorific ("Dr. Liz Sherwood-Randall") starts the name, never continues the office.
NOT_OFFICE_WORD = r"(?!(?:Dr|Mr|Ms|Mrs|Admiral)\b|(?:Gen|Adm|Lt|Col|Maj)\.)"  # who, not what
MORE_WORDS = re.compile(
    rf"(?:of|for|and|to(?= the [A-Z])) (?:{NOT_OFFICE_WORD}[A-Z][\w\-’']*|and|the|of|for)"
    rf"(?: (?:{NOT_OFFICE_WORD}[A-Z][\w\-’']*|and|of|the|for))*"
)
JOINED = re.compile(r"(?:and|&)\s+")


# The offices in one pattern, longest first: the first that matches is the one a loop over
# OFFICES would find, at the cost of one match.
ANY_OFFICE = "(?:" + "|".join(re.escape(office) for office in OFFICES) + ")"
OFFICE_START = re.compile(ANY_OFFICE + r"(?:-(?:[Dd]esignate|[Ee]lect))?(?=[ ,])")
QUALIFIED_OFFICE_START = re.compile(
    r"(?:(?:Deputy|Acting|Senior|Interim|Transitional|Former|Assistant|Principal|Under)\s+)*"
    + OFFICE_START.pattern
)


def _office_at(text: str) -> re.Match | None:
    """The office (with any qualifiers) that text starts with, as a match, or None."""
    return QUALIFIED_OFFICE_START.match(text)


def split_office(phrase: str) -> tuple[str, str]:
    """Split "Prime Minister Justin Trudeau" into ("Prime Minister", "Justin Trudeau").

    Several offices held at once are one title: "Director of the Office of the Central Foreign
    Affairs Commission and Foreign Minister Wang Yi" is ("Director of the Office of the Central
    Foreign Affairs Commission and Foreign Minister", "Wang Yi").
    """
    phrase = phrase.strip()
    title_parts = []
    while True:
        for qualifier in QUALIFIERS:
            # "Assistant to the President ..." is an office of its own, not a qualified one.
            if phrase.startswith(qualifier) and not any(
                phrase.startswith(office + " ")
                for office in OFFICES
                if office.startswith(qualifier)
            ):
                title_parts.append(qualifier.strip())
                phrase = phrase[len(qualifier) :]
                break
        else:
            break
    rest = phrase
    found = ""
    while True:
        has = OFFICE_START.match(rest)
        if has is None:
            break
        office = re.sub(r"-(?:[Dd]esignate|[Ee]lect)$", "", has.group(0))
        found = (found + " " + has.group(0)).strip()
        rest = rest[has.end() :].lstrip(" ,")
        more = MORE_WORDS.match(rest)
        if more and EXTENSIBLE.search(office):
            candidate = more.group(0)
            # A second office after "and" ends this one's words.
            second = next(
                (
                    m
                    for m in re.finditer(r"\s(?:and|&)\s", candidate)
                    if _office_at(candidate[m.end() :] + " ")
                ),
                None,
            )
            words = candidate[: second.start()].split() if second else candidate.split()
            if not second and words[-1] not in INSTITUTION_WORDS:
                # Keep the words up to the name: the last two capitalised ones are it,
                # or the last one when a particle goes on ("Ramirez de la O").
                particle = re.match(r"\s+(?:de|da|del|la|van|von|bin|al)\s", rest[len(candidate) :])
                if particle and len(words) >= 3:
                    words = words[:-1]
                else:
                    words = words[:-2] if len(words) > 3 else []
            while words and words[-1] in {"and", "of", "the", "for"}:
                words.pop()
            if words:
                keep = " ".join(words)
                found += " " + keep
                rest = rest[len(keep) :].lstrip()
        joined = JOINED.match(rest)
        if joined and _office_at(rest[joined.end() :]):
            found += " and"
            rest = rest[joined.end() :]
            qualifiers = _office_at(rest)
            lead = rest[: qualifiers.end()].split()
            while lead and lead[0] in {q.strip() for q in QUALIFIERS}:
                found += " " + lead.pop(0)
                rest = rest.split(" ", 1)[1]
    title = " ".join(title_parts + ([found] if found else []))
    return strip_honorifics(title), rest.strip()


def strip_honorifics(title: str) -> str:
    words = title.split()
    while words and words[-1] in HONORIFICS:
        words.pop()
    return " ".join(words)


# Offices written by their initials before a name ("APNSA Jake Sullivan", "Israeli NSA Meir
# Ben-Shabbat"): the office, not a first name.
# ("NSA Director Paul Nakasone" is the agency: an office follows it, not a name.)
OFFICE_INITIALS = {
    "APNSA": "National Security Advisor",
    "NSA": "National Security Advisor",
}
OFFICE_INITIALS_BEFORE_NAME = re.compile(
    r"\b(" + "|".join(OFFICE_INITIALS) + r")\s+(?=[A-Z][\w’'\-]+\s+[A-Z])"
)


def _office_initials(phrase: str) -> str:
    def expand(found: re.Match) -> str:
        if split_office(phrase[found.end() :] + " X")[0]:
            return found.group(0)
        return OFFICE_INITIALS[found.group(1)] + " "

    return OFFICE_INITIALS_BEFORE_NAME.sub(expand, phrase)


def parse_mention(phrase: str) -> Person | None:
    """Read one "[Demonym] [Office] Name [of Country|Organisation]" phrase."""
    # "Niinistӧ" typed with a Cyrillic letter is the name "Niinistö".
    phrase = latin_lookalikes(phrase).strip().strip(",;.").strip()
    # "President Benigno S. Aquino, 3rd": the generation after a comma is not a new name.
    phrase = re.sub(r",\s+(?:Jr\.?|Sr\.?|2nd|3rd|4th)(?=\s|$)", "", phrase)
    phrase = _office_initials(phrase)
    phrase = re.sub(r"^(?:the|The) ", "", phrase)
    # "Caribbean Community (CARICOM) Secretary General": the acronym repeats the name.
    phrase = re.sub(r"\s+\([A-Z]{2,10}\)(?=\s)", "", phrase)
    if not phrase:
        return None
    country: str | None = None
    org = ""
    # "... of <somewhere>": a lone name with it is still a person ("Kishida of Japan").
    placed = re.search(r"\s+of\s+(?:the\s+)?[A-Z]", phrase) is not None
    for candidate in re.finditer(r"\s+of\s+(?=(?:the\s+)?[A-Z])", phrase):
        where = phrase[candidate.end() :]
        code = country_code(where)
        organisation = organization(where)
        if code or organisation:
            country, org = (code, "") if code else ("", organisation)
            phrase = phrase[: candidate.start()]
            break
    # "Today President Biden": when, not who.
    phrase = WHEN.sub("", phrase)
    # "President Biden's National Security Advisor Jake Sullivan": whose adviser, not who.
    owner = re.match(r"^((?:[A-Z][\w.\-]*\s+){0,3}[A-Z][\w\-]*)(?:’s|'s)\s+", phrase)
    if owner and not country_code(owner.group(1)) and split_office(phrase[owner.end() :] + " X")[0]:
        phrase = phrase[owner.end() :]
    demonym = re.match(rf"^({DEMONYM_PATTERN})\s+", phrase)
    words = phrase.split()
    if demonym and any(country_code(" ".join(words[:n])) for n in (3, 2) if len(words) > n):
        demonym = None  # "Palestinian Authority President": a state's name, not a demonym
    if demonym:
        country = country or DEMONYMS[demonym.group(1)] or None
        phrase = phrase[demonym.end() :]
        # "Czech Republic Prime Minister", "Dominican Republic President": the state's name.
        state = re.match(r"^(?:Republic|Kingdom|Federation)\s+(?=[A-Z])", phrase)
        if state and split_office(phrase[state.end() :] + " X")[0]:
            phrase = phrase[state.end() :]
    else:
        # "Mexico's Foreign Secretary ...", "United Kingdom Secretary of State ..."
        words = phrase.split()
        for n in range(min(5, len(words) - 1), 0, -1):
            head = " ".join(words[:n])
            bare = re.sub(r"(?:’s|'s)$", "", head)
            code = country_code(bare) if bare[:1].isupper() else None
            if code and (bare != head or split_office(" ".join(words[n:]) + " X")[0]):
                country = country or code
                phrase = " ".join(words[n:])
                break
    # "President of Egypt Abdel Fattah El-Sisi", "Head of the Office of the President of
    # Ukraine Andriy Yermak": the country inside the office, after any "of" in it.
    # The country is looked for first (a lookup), the office only where one follows, and
    # only after the first few "of"s: a run of them costs no more than those.
    for count, inside in enumerate(re.finditer(r"\s+of\s+", phrase)):
        if count >= MAX_OFS:
            break
        words = phrase[inside.end() :].split(maxsplit=7)
        for n in range(min(6, len(words) - 1), 0, -1):
            code = country_code(" ".join(words[:n]))
            found_org = organization(" ".join(words[:n]))
            if code or found_org:
                break
        else:
            continue
        office = phrase[: inside.start()]
        if not split_office(office + " X")[0]:
            continue
        if code:
            country = country or code
        else:
            country, org = "", found_org
        phrase = office + " " + phrase[inside.end() :].split(maxsplit=n)[n]
        break
    for prefix, name in ORGANIZATION_PREFIX.items():
        if phrase.startswith(prefix + " "):
            org, country = org or name, ""
            office = _office_at(phrase)
            if not (office and office.group(0).startswith(prefix + " ")):
                phrase = phrase[len(prefix) + 1 :]  # but "European Commission President" is one
            break
    # "Deputy Commander INDOPACOM Lieutenant General Stephen Sklenka": a rank between the
    # office and the name is neither.
    ranked = RANK.search(phrase)
    if ranked and split_office(phrase[: ranked.start()] + " X")[0]:
        phrase = f"{phrase[: ranked.start()]} {phrase[ranked.end() :]}"
    title, rest = split_office(phrase)
    # An office further in: "Politburo Member Yang Jiechi",
    # "Incoming Israeli National Security Advisor Eyal Hulata".
    inner = OFFICE_INSIDE.search(rest)
    if inner and inner.end() < len(rest):
        lead = rest[: inner.start()].split()
        # Up to four words of its own before the office, and any qualifiers: "USAID Acting
        # Senior Deputy Assistant Administrator for Asia Craig Hart".
        own = [w for w in lead if f"{w} " not in QUALIFIERS]
        if all(w[:1].isupper() for w in lead) and len(own) <= 4:
            # The office inside goes on as one at the start would: "Senior Director for the
            # Western Hemisphere Juan Gonzalez".
            inner_title, inner_rest = split_office(rest[inner.start() :])
            end = len(rest) - len(inner_rest) if inner_title and inner_rest else inner.end()
            office_words = rest[:end].rstrip(" ,")
            # "... National Security Advisor Dr. Eyal Hulata": the honorific is not the office's.
            while office_words.rsplit(" ", 1)[-1] in HONORIFICS:
                office_words = office_words.rsplit(" ", 1)[0]
            for word in lead:
                code = DEMONYMS.get(word)
                if code and country is None:
                    country = code
            office_words = re.sub(rf"\b(?:{DEMONYM_PATTERN})\s+", "", office_words)
            title = f"{title} {office_words}".strip()
            rest = rest[end:].lstrip(" ,")
    # "Deputy Commander INDOPACOM Stephen Sklenka": an acronym after the office is part of it.
    # Only after an office of a command or an agency: "President YOON Suk Yeol" is a name
    # written family name first in capitals.
    acronym = re.match(r"^([A-Z]{3,10})\s+(?=[A-Z][\w’'\-]+\s+[A-Z])", rest)
    if (
        title
        and acronym
        and title.split()[-1] in AGENCY_OFFICES
        and not country_code(acronym.group(1))
    ):
        title, rest = f"{title} {acronym.group(1)}", rest[acronym.end() :]
    # "President Joseph R. Biden, Jr.'s": the name, not its possessive.
    rest = re.sub(r"(?:’s|'s|’)$", "", rest.strip())
    # A headline in title case: "Prime Minister Andersson Of Sweden" is Andersson, of Sweden.
    headline = re.match(r"^(?P<name>.+?)\s+Of\s+(?P<where>(?:The\s+)?[A-Z][\w’'\- ]+)$", rest)
    if headline and country_code(headline.group("where")):
        rest = headline.group("name")
        country = country or country_code(headline.group("where"))
    tokens = rest.split()
    name_tokens = []
    for n, token in enumerate(tokens):
        if (
            NAME_TOKEN.match(token)
            or (name_tokens and token.lower() in NAME_PARTICLES)
            # "European Commission President von der Leyen": a name may start with a particle.
            or (
                title
                and not name_tokens
                and token in NAME_PARTICLES
                and any(NAME_TOKEN.match(t) for t in tokens[n + 1 : n + 3])
            )
        ):
            name_tokens.append(token)
        else:
            break
    while name_tokens and name_tokens[-1].lower() in NAME_PARTICLES:
        name_tokens.pop()
    if not title and (len(name_tokens) >= 3 or len(name_tokens) < len(tokens)):
        # "National Migration Institute Commissioner Francisco Garduno", "Department of Homeland
        # Security Assistant Secretary David Shahoulian": no office this module knows starts
        # it, but the name is what follows the last word of an office or an institution.
        described = _after_office_words(phrase)
        if described:
            title, named = described
            name_tokens = named.split()
    name = clean_name(" ".join(name_tokens), keep_numeral=True)
    if not name or (not title and len(name_tokens) < 2 and not placed):
        return None
    if split_office(name + " X")[1] == "X":
        return None  # an office alone ("Foreign Minister"): no one is named yet
    inside = OFFICE_INSIDE.search(f" {name} ")
    if not title and inside and " " in inside.group(0) and inside.end() == len(name) + 1:
        return None  # "Executive Vice President": an office, even with a word before it
    # "His Majesty King": the style of address is not the office.
    styled = STYLE.match(title)
    if styled and split_office(title[styled.end() :] + " X")[0]:
        title = title[styled.end() :]
    # "Secretary of the National Security Council of Mongolia": the country ends the office.
    ends = re.match(r"^(?P<office>.+\S)\s+of\s+(?P<where>(?:the\s+)?[A-Z][\w’'\- ]+)$", title)
    if ends and country is None and country_code(ends.group("where")):
        title, country = ends.group("office"), country_code(ends.group("where"))
    if country is None:
        # "Commander-in-Chief of the Ukrainian Armed Forces", "Secretary General of Japan's
        # National Security Secretariat": the country the office is of.
        of = re.search(rf"\bof\s+the\s+({DEMONYM_PATTERN})\s+[A-Z]", title)
        if of and DEMONYMS[of.group(1)]:
            country = DEMONYMS[of.group(1)]
        whose = re.search(
            r"\bof\s+((?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3})(?:’s|'s)\s+", title
        )
        if not of and whose and country_code(whose.group(1)):
            country = country_code(whose.group(1))
            title = f"{title[: whose.start()]}of the {title[whose.end() :]}"
    return Person(name=name, title=title, country=country, organization=org)


WHEN = re.compile(
    r"^(?:Today|Yesterday|Tonight|Earlier today|This (?:morning|afternoon|evening)),?\s+(?=[A-Z])"
)
# Words that end an office or name an institution: the name comes after the last of them.
OFFICE_WORDS = (
    INSTITUTION_WORDS
    | {office.split()[-1] for office in OFFICES if not office.endswith(".") and office != "Dr"}
    | set(
        """Commissioner Official Officer Undersecretary Army Navy Bureau Institute General Admiral
        Vice-Admiral Coordinator Spokesperson Unit Operations Command Envoy Committee""".split()  # noqa: SIM905
    )
)
# A rank that ends a title before the name ("... Coordinator General Vicente Hernandez"); not
# the General of "Secretary General" or "Attorney General".
TRAILING_RANK = re.compile(
    r"(?<!Secretary)(?<!Attorney)(?<!Director)(?<!Inspector)(?<!Solicitor)(?<!Consul)"
    r"(?<!Surgeon)(?<!Governor)\s+(?:(?:Vice|Rear)[\s-])?(?:General|Admiral)$"
)


def _after_office_words(phrase: str) -> tuple[str, str] | None:
    """(title, name) where the name is the two to five name words after the last office or
    institution word of the phrase, or None."""
    tokens = phrase.split()
    last = max((i for i, t in enumerate(tokens) if t.strip(",") in OFFICE_WORDS), default=None)
    if last is None or last == 0:
        return None
    name = tokens[last + 1 :]
    if not 2 <= len(name) <= 5 or name[0].lower() in NAME_PARTICLES:
        return None
    if not all(NAME_TOKEN.match(t) or t.lower() in NAME_PARTICLES for t in name):
        return None
    if any(t.strip(",") in OFFICE_WORDS for t in name):
        return None
    # The words before are an office's: capitalised, or small words inside one.
    if not all(
        t[:1].isupper() or t in {"of", "the", "and", "for", "to", "on"} for t in tokens[:last]
    ):
        return None
    title = TRAILING_RANK.sub("", " ".join(tokens[: last + 1]).strip(" ,"))
    return title, " ".join(name)


AGENCY_OFFICES = frozenset(
    """Commander Director Administrator Coordinator Chief Head Envoy Representative
    Spokesperson Officer Commissioner""".split()  # noqa: SIM905
)
MAX_OFS = 4  # "of"s in one mention: "Head of the Office of the President of Ukraine" has three
RANK = re.compile(
    r"\s(?:(?:Lieutenant|Major|Brigadier)\s+General|(?:Vice\s+|Rear\s+)?Admiral|Lt\.\s+Gen\.|"
    r"Gen\.|Adm\.|Col\.|Colonel)\s+(?=[A-Z][\w’'\-]+\s+[A-Z])"
)
STYLE = re.compile(r"^(?:His|Her)\s+(?:Royal\s+)?(?:Majesty|Highness|Holiness|Excellency)\s+")
