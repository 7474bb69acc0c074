"""Reading files: JSON parsed strictly, told apart by shape, and checked as it is read.

A list of documents, an export's documents and a fixture's entries are read one element
at a time, and each element is checked at once: one that cannot be loaded is reported and
dropped, and reading stops once PROBLEM_LIMIT problems are found. So a malformed file
costs what it holds that is valid, not what it holds: a file of a hundred million `1,`
is refused after its first two hundred elements.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .fixtures import foreign_entry
from .report import PROBLEM_LIMIT, Origin, Problem, json_path
from .schema import schema_problems

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


@dataclass
class Source:
    file: str
    documents: list[tuple[Origin, dict]] = field(default_factory=list)  # valid by the schema
    fixture: list[dict] | None = None
    export: dict | None = None  # with its documents' list emptied: they are in `documents`


def collect_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[Problem]]:
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                problems.append(Problem(str(path), "", "the folder holds no .json files"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), "", "no such file or folder"))
    # A file named twice (directly and through its folder) is read once.
    seen, unique = set(), []
    for path in files:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append(path)
    return unique, problems


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"the key {key!r} appears twice in one object")
        obj[key] = value
    return obj


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


MAYBE_UNSTORABLE = re.compile(r"\\u(0000|[dD][89a-fA-F])")


def unstorable_text(value: Any, path: list) -> tuple[list, str] | None:
    """The first string no database can store (a NUL, a lone surrogate), with its path."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return where, "contains a NUL character (\\u0000), which cannot be stored"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where, "contains an unpaired surrogate (\\ud800-\\udfff), not a character"
        elif isinstance(item, dict):
            stack.extend((v, [*where, k]) for k, v in reversed(item.items()))
            stack.extend((k, [*where, k]) for k in item if isinstance(k, str))
        elif isinstance(item, list):
            stack.extend((v, [*where, i]) for i, v in reversed(list(enumerate(item))))
    return None


def check(
    origin: Origin, value: Any, definition: str | None = "document", *, escaped: bool = True
) -> list[Problem]:
    """What stops a value from being loaded: text no database can store, then what the
    schema's `definition` refuses (None: no schema).

    Such text can only come in as a \\u escape: `escaped` False says the value's JSON
    has none, so it is not searched.
    """
    if escaped:
        bad = unstorable_text(value, list(origin.path))
        if bad is not None:
            return [Problem(origin.file, json_path(bad[0]), bad[1])]
    return [] if definition is None else schema_problems(definition, origin, value)


NEITHER = (
    "is neither a readout document (an object with meeting, participants and "
    "readouts, a list of them, or an export with documents) nor a Django fixture "
    "(a list of objects with model and fields)"
)
WHITESPACE = re.compile(r"[ \t\n\r]*")  # what JSON allows between values


class _Reader:
    """A file's JSON text, read a value at a time as strictly as json.loads, with its
    messages. What is wrong with the values read goes to `problems`."""

    def __init__(self, name: str, text: str, room: int) -> None:
        self.name = name
        self.text = text
        self.pos = 0
        self.room = room  # problems this file may add before reading stops
        self.problems: list[Problem] = []
        self.decoder = json.JSONDecoder(
            object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant
        )

    def full(self, held: int = 0) -> bool:
        return len(self.problems) + held >= self.room

    def read(self) -> Source | None:
        """The file's documents, fixture or export; None when it is none of them, or when
        reading stopped at the limit."""
        top = Origin(self.name, ())
        first = self._next()
        if first == "[":
            source = self._list(top)
        elif first == "{":
            source = self._object(top)
        else:
            value, escaped = self._value()
            self.problems.extend(check(top, value, None, escaped=escaped))
            source = None
        if self.full():
            return None  # stopped looking: the rest of the file is not read
        if self._next():
            raise json.JSONDecodeError("Extra data", self.text, self.pos)
        if source is None and not self.problems:
            self.problems.append(Problem(self.name, "", NEITHER))
        return source

    def _list(self, top: Origin) -> Source:
        source = Source(self.name)
        for index, value, escaped in self._elements():
            origin = top.at(index)
            if index == 0 and isinstance(value, dict) and "model" in value:
                source.fixture = []
            if source.fixture is None:
                found = check(origin, value, escaped=escaped)
                if not found:
                    source.documents.append((origin, value))
            else:
                found = check(origin, value, None, escaped=escaped)
                foreign = None if found else foreign_entry(origin, value)
                if foreign is not None:
                    found = [foreign]
                elif not found:
                    source.fixture.append(value)
            self.problems.extend(found)
            if self.full():
                break
        return source

    def _object(self, top: Origin) -> Source | None:
        data: dict[str, Any] = {}
        keys: list[str] = []
        documents: list[tuple[Origin, dict]] = []
        held: list[Problem] = []  # problems of the documents, kept if it is an export
        before = len(self.problems)
        for key in self._members():
            keys.append(key)
            bad = unstorable_text(key, [key])
            if bad is not None:
                self.problems.append(Problem(self.name, json_path(bad[0]), bad[1]))
            if key == "documents" and "meeting" not in data and self._next() == "[":
                # An export's documents, the bulk of a large one: checked one by one.
                for index, value, escaped in self._elements():
                    origin = top.at("documents", index)
                    found = check(origin, value, escaped=escaped)
                    if not found:
                        documents.append((origin, value))
                    held.extend(found)
                    if self.full(len(held)):
                        self.problems.extend(held)
                        return None
                data[key] = []
            else:
                value, escaped = self._value()
                self.problems.extend(check(top.at(key), value, None, escaped=escaped))
                data[key] = value
        # Refused once the object is read, as json.loads refuses it.
        _no_duplicate_keys([(key, None) for key in keys])
        if "documents" in data and "meeting" not in data:
            self.problems.extend(held)
            return Source(self.name, documents, export=data)
        if "model" in data:
            return None
        if len(self.problems) > before:
            return None  # text no database can store
        if documents or held:
            # Not an export after all: a document with an unknown field, refused for it.
            data["documents"] = [document for _, document in documents]
        found = schema_problems("document", top, data)
        self.problems.extend(found)
        return None if found else Source(self.name, [(top, data)])

    # Reading JSON a piece at a time, with json.loads's messages where it goes wrong.

    def _next(self) -> str:
        """The next character that is not whitespace; empty at the end."""
        self.pos = WHITESPACE.match(self.text, self.pos).end()
        return self.text[self.pos : self.pos + 1]

    def _value(self) -> tuple[Any, bool]:
        """The next value, whole, and whether its JSON has an escape that may make text no
        database can store."""
        self._next()
        start = self.pos
        value, self.pos = self.decoder.raw_decode(self.text, start)
        return value, MAYBE_UNSTORABLE.search(self.text, start, self.pos) is not None

    def _elements(self) -> Iterator[tuple[int, Any, bool]]:
        """The elements of the list that starts here, one at a time, with their index."""
        self.pos += 1
        if self._next() == "]":
            self.pos += 1
            return
        for index in itertools.count():
            yield index, *self._value()
            char = self._next()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", self.text, self.pos - 1)

    def _members(self) -> Iterator[str]:
        """The keys of the object that starts here; the caller reads each key's value."""
        self.pos += 1
        char = self._next()
        if char == "}":
            self.pos += 1
            return
        while True:
            if char != '"':
                raise json.JSONDecodeError(
                    "Expecting property name enclosed in double quotes", self.text, self.pos
                )
            key, self.pos = scanstring(self.text, self.pos + 1, True)
            if self._next() != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", self.text, self.pos)
            self.pos += 1
            yield key
            char = self._next()
            self.pos += 1
            if char == "}":
                return
            if char != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", self.text, self.pos - 1)
            char = self._next()


def read_source(path: Path, problems: list[Problem]) -> Source | None:
    """Parse one file and tell a readout document file from a Django fixture by its shape.

    What is wrong goes to `problems`, and reading stops once they number PROBLEM_LIMIT.
    """
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, "", f"cannot be read: {exc.strerror}"))
        return None
    if not raw or raw.isspace():
        problems.append(Problem(name, "", "the file is empty"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, "", f"is not UTF-8 text (byte {exc.start})"))
        return None
    del raw  # a large file is held once, as its text

    reader = _Reader(name, text, PROBLEM_LIMIT - len(problems))
    try:
        source = reader.read()
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        problems.append(Problem(name, "", message))
        return None
    except (ValueError, RecursionError) as exc:
        problems.append(Problem(name, "", f"invalid JSON: {exc}"))
        return None
    problems.extend(reader.problems)
    return source
