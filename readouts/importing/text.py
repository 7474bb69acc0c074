"""Reading a published readout: front matter or a plain header, paragraphs, sentences."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml


class UnreadableText(ValueError):
    """The text cannot be read as a readout at all (the message says why)."""


# A readout is a few kilobytes: the longest in the archive and the dev set is about 10,000
# characters. Twenty times that is still a readout; anything longer is refused before any
# pattern is tried on it, so a paste cannot keep a web worker busy.
MAX_TEXT = 200_000
# The front matter of the archive's Markdown is a few hundred characters of title, date and URL.
MAX_FRONT_MATTER = 20_000
MAX_NESTING = 20  # lists and mappings in lists and mappings in the front matter


def check_length(text: str) -> None:
    """Refuse a text longer than any readout (raises UnreadableText)."""
    if len(text) > MAX_TEXT:
        raise UnreadableText(
            f"the text is {len(text):,} characters long; a readout is at most {MAX_TEXT:,}"
        )


@dataclass
class Source:
    """What a published readout says about itself, before any interpretation."""

    title: str
    paragraphs: list[str]
    published_date: dt.date | None = None
    published_at: dt.datetime | None = None  # naive when the text gives no offset
    url: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


SCALARS = (str, int, float, dt.date)  # dt.datetime is a dt.date
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
# Markdown escapes the archive added: \_ inside words, \### after the last paragraph.
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
END_MARK = re.compile(r"^\s*\\?(?:#{3}|\*{3})\s*$")
HEADER_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2})(?::(\d{2}))?)?$")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
# The date as a publisher's page prints it: "June 15, 2021", "Oct. 30, 2021 • Statements
# and Releases", "15 June 2021" (a short label may follow it).
WORDED_DATE = re.compile(
    r"^(?:(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?|(?P<day2>\d{1,2})\s+"
    r"(?P<month2>[A-Za-z]{3,9})\.?,?)\s+(?P<year>\d{4})(?:\s*[•|·–—-]\s*[^\n]{0,80})?$"
)


def worded_date(line: str) -> dt.date | None:
    """The day a line such as "June 15, 2021" gives, or None."""
    match = WORDED_DATE.match(line)
    if not match:
        return None
    month = MONTHS.get((match["month"] or match["month2"]).lower())
    if month is None:
        return None
    try:
        return dt.date(int(match["year"]), month, int(match["day"] or match["day2"]))
    except ValueError:
        return None


SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f]+")


def read_text(text: str) -> Source:
    """Read a readout given as Markdown with front matter or as plain text.

    Plain text: the first line is the title, an optional line with the
    published date (and time) follows, then paragraphs separated by blank lines.
    """
    check_length(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if "\x00" in text:
        raise UnreadableText("the text contains NUL characters")
    match = FRONT_MATTER.match(text)
    if match:
        return _markdown(match.group(1), text[match.end() :])
    return _plain(text)


def _clean_line(line: str) -> str:
    return SPACES.sub(" ", line).strip()


def _paragraphs(text: str, *, markdown: bool) -> list[str]:
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [_clean_line(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        lines = [line for line in lines if not END_MARK.match(line)]
        if lines:
            paragraph = " ".join(lines)
            paragraphs.append(_unmark(paragraph) if markdown else paragraph)
    return paragraphs


# What _link_texts removes: as a pattern it went to the end of the line from each "[" of "[[[[".
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"(?<![\w*])\*{1,2}([^*\n]+?)\*{1,2}(?![\w*])")
HTML_TAG = re.compile(r"</?(?:sup|sub|em|strong|i|b|span|a)\b[^>]*>")


def _unmark(line: str) -> str:
    """The published text of a line of the archive's Markdown: no links, emphasis or escapes."""
    line = _without_tags(_link_texts(line))
    return MARKDOWN_ESCAPE.sub(r"\1", EMPHASIS.sub(r"\1", line))


def _link_texts(line: str) -> str:
    """MARKDOWN_LINK.sub(r"\1", line) in one pass over the line.

    The pattern would look for the "]" and the ")" again from every "[" that does not start a
    link, going to the end of the line each time in "[[[[...".
    """
    kept, done = [], 0
    start = line.find("[")
    while start != -1:
        close = line.find("]", start + 1)
        if close == -1:
            break  # no "[" from here on has its "]"
        if not line.startswith("(", close + 1):
            start = line.find("[", close + 1)  # those before close have the same "]"
            continue
        end = line.find(")", close + 2)
        if end == -1:
            break  # nor will any later "[...](" find its ")"
        kept += [line[done:start], line[start + 1 : close]]
        done = end + 1
        start = line.find("[", done)
    kept.append(line[done:])
    return "".join(kept)


def _without_tags(line: str) -> str:
    """HTML_TAG.sub("", line), looking for tags only up to the last ">" (where they end).

    After it no "<sup" can end, and the pattern would look for a ">" to the end of the line
    from every one of them.
    """
    end = line.rfind(">") + 1
    return HTML_TAG.sub("", line[:end]) + line[end:]


def _markdown(front: str, body: str) -> Source:
    if len(front) > MAX_FRONT_MATTER:
        raise UnreadableText(
            f"the front matter is {len(front):,} characters long; "
            f"a readout's is at most {MAX_FRONT_MATTER:,}"
        )
    # The YAML reader takes time quadratic in how deep "[" and "{" nest (2 s of CPU for
    # "[[[[...", until it runs out of recursion); a readout's front matter has single values.
    depth = _nesting(front)
    if depth > MAX_NESTING:
        raise UnreadableText(
            f"the front matter is nested too deeply ({depth:,} levels of lists or mappings)"
        )
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise UnreadableText(f"the front matter is not valid YAML: {problem}") from None
    except RecursionError:  # nesting by indentation, should it ever go that deep
        raise UnreadableText("the front matter is nested too deeply") from None
    if not isinstance(meta, dict):
        raise UnreadableText("the front matter is not a set of fields")
    # Only single values are read: a list or mapping (through YAML aliases, a few lines can
    # stand for billions of items) is never turned into text.
    meta = {key: value for key, value in meta.items() if isinstance(value, SCALARS)}
    title = _clean_line(str(meta.get("title") or ""))
    paragraphs = _paragraphs(body, markdown=True)
    if not paragraphs and not title:
        raise UnreadableText("there is neither a title nor any text")
    source = Source(title=title, paragraphs=paragraphs, url=str(meta.get("source_url") or ""))
    published = meta.get("published_time") or meta.get("date")
    source.published_at = _timestamp(published, source.notes)
    day = meta.get("date")
    if isinstance(day, str):
        day = _timestamp(day, source.notes)
    if isinstance(day, dt.datetime):
        day = day.date()
    if isinstance(day, dt.date):
        source.published_date = day
    elif source.published_at is not None:
        source.published_date = source.published_at.date()
    if not title:
        source.notes.append("the front matter has no title")
    return source


def _nesting(front: str) -> int:
    """How deep "[" and "{" nest, counting those inside quotes too (so at least as deep)."""
    depth = deepest = 0
    for char in front:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}" and depth:
            depth -= 1
    return deepest


def _timestamp(value, notes: list[str]) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    try:
        return dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        notes.append(f"could not read the published time {str(value)[:40]!r}")
        return None


def _plain(text: str) -> Source:
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise UnreadableText("the text is empty")
    title = _clean_line(lines.pop(0))
    source = Source(title=title, paragraphs=[])
    rest = "\n".join(lines)
    first = rest.strip().split("\n", 1)[0].strip()
    match = HEADER_TIME.match(first)
    if match:
        day, clock, seconds = match.groups()
        try:
            source.published_date = dt.date.fromisoformat(day)
            if clock:
                hour, minute = (int(part) for part in clock.split(":"))
                source.published_at = dt.datetime.combine(
                    source.published_date, dt.time(hour, minute, int(seconds or 0))
                )
        except ValueError:
            source.notes.append(f"could not read the date line {first!r}")
        rest = rest.strip().split("\n", 1)[1] if "\n" in rest.strip() else ""
    elif (day := worded_date(first)) is not None:
        source.published_date = day
        rest = rest.strip().split("\n", 1)[1] if "\n" in rest.strip() else ""
    source.paragraphs = _paragraphs(rest, markdown=False)
    if not source.paragraphs:
        raise UnreadableText("there is a title but no text under it")
    return source


# Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "adm",
        "sgt",
        "gov",
        "sen",
        "rep",
        "amb",
        "hon",
        "rev",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "d.c",
    ]
)
PLACE_ABBREVIATIONS = frozenset({"d.c"})
SENTENCE_OPENER = re.compile(
    r"(?:The|They|Their|He|She|His|Her|It|In|During|Both|This|These|We|Our)\b"
)
SENTENCE_END = re.compile(r"(?<=[.!?])([\"”’)]*)\s+(?=[\"“‘(]?[A-Z0-9])")
# The longest sentence in the archive is about 2,300 characters (a list of names). Longer runs
# without a sentence end are cut into pieces of at most this length, so that what the drafting
# patterns do for each sentence stays bounded whatever the text.
MAX_SENTENCE = 5_000


def sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations and initials whole."""
    parts, start = [], 0
    for match in SENTENCE_END.finditer(paragraph):
        end = match.start(1)
        # The word before the full stop, looked for backwards from it: slicing from the start
        # of the sentence would go over "Mr. Mr. Mr. ..." again for every full stop.
        first = end
        while first > start and not paragraph[first - 1].isspace():
            first -= 1
        bare = paragraph[first:end].rstrip(".!?").lstrip('("“').lower()
        abbreviated = paragraph[end - 1] == "." and (
            bare in ABBREVIATIONS or (len(bare) == 1 and bare.isalpha()) or "." in bare
        )
        # "... in Washington, D.C. The Vice President ...": a place's abbreviation ends the
        # sentence when the next word opens one.
        ends_anyway = bare in PLACE_ABBREVIATIONS and SENTENCE_OPENER.match(paragraph, match.end())
        if abbreviated and not ends_anyway:
            continue
        parts.extend(_pieces(paragraph[start : match.end(1)].strip()))
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        parts.extend(_pieces(tail))
    return parts


def _pieces(sentence: str) -> list[str]:
    """A sentence, or a run longer than any sentence cut at spaces into pieces that are not."""
    pieces, start = [], 0
    while len(sentence) - start > MAX_SENTENCE:
        cut = sentence.rfind(" ", start + 1, start + MAX_SENTENCE + 1)
        cut = cut if cut > start else start + MAX_SENTENCE  # one enormous word: cut it anyway
        pieces.append(sentence[start:cut].strip())
        start = cut
    pieces.append(sentence[start:].strip())
    return [piece for piece in pieces if piece]
