"""Reading files: JSON parsed strictly, and told apart by shape."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .report import Origin, Problem, json_path

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass
class Source:
    file: str
    documents: list[tuple[Origin, dict]] = field(default_factory=list)
    fixture: list[dict] | None = None
    export: dict | None = None


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


def read_source(path: Path) -> Source | Problem:
    """Parse one file and tell a readout document file from a Django fixture by its shape."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(name, "", f"cannot be read: {exc.strerror}")
    if not raw.strip():
        return Problem(name, "", "the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(name, "", f"is not UTF-8 text (byte {exc.start})")
    try:
        data = json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as exc:
        return Problem(name, "", f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except (ValueError, RecursionError) as exc:
        return Problem(name, "", f"invalid JSON: {exc}")

    # Both can only come in as \u escapes: without one, there is nothing to look for.
    bad = unstorable_text(data, []) if MAYBE_UNSTORABLE.search(text) else None
    if bad is not None:
        path, message = bad
        return Problem(name, json_path(path), message)

    source = Source(name)
    top = Origin(name, ())
    if isinstance(data, dict) and "documents" in data and "meeting" not in data:
        # An export: its shared definitions, then its documents.
        source.export = data
        documents = data["documents"] if isinstance(data["documents"], list) else []
        source.documents.extend((top.at("documents", i), doc) for i, doc in enumerate(documents))
    elif isinstance(data, dict) and "model" not in data:
        source.documents.append((top, data))
    elif isinstance(data, list) and data and isinstance(data[0], dict) and "model" in data[0]:
        source.fixture = data
    elif isinstance(data, list):
        source.documents.extend((top.at(i), doc) for i, doc in enumerate(data))
    else:
        return Problem(
            name,
            "",
            "is neither a readout document (an object with meeting, participants and "
            "readouts, a list of them, or an export with documents) nor a Django fixture "
            "(a list of objects with model and fields)",
        )
    return source
