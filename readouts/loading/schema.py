"""The published JSON Schema, and its errors in words a document's author understands."""

from __future__ import annotations

import json
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
from django.conf import settings

from .report import PROBLEM_LIMIT, Origin, Problem

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "readout-document.schema.json"


@cache
def schema() -> dict:
    with SCHEMA_PATH.open(encoding="utf-8") as f:
        return json.load(f)


@cache
def fast_check(definition: str = "document"):
    """The same schema compiled to Python: quick to say yes on large loads. When it says
    no, the full validator below finds every error and where it is."""
    full = schema()
    return fastjsonschema.compile({"$ref": f"#/$defs/{definition}", "$defs": full["$defs"]})


def is_valid(definition: str, data: Any) -> bool:
    try:
        fast_check(definition)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def validator(definition: str = "document") -> jsonschema.protocols.Validator:
    """A validator for one part (a document, an export), so errors carry its own paths."""
    full = schema()
    subschema = {"$ref": f"#/$defs/{definition}", "$defs": full["$defs"]}
    cls = jsonschema.validators.validator_for(full)
    return cls(subschema)


def schema_problems(definition: str, origin: Origin, data: Any) -> list[Problem]:
    """What is wrong with `data` as the schema's `definition`, in path order; none if valid.

    At most PROBLEM_LIMIT: a list of a million wrong items holds a million errors.
    """
    if is_valid(definition, data):
        return []
    errors = islice(validator(definition).iter_errors(data), PROBLEM_LIMIT)
    problems = []
    for error in sorted(errors, key=lambda e: list(e.path)):
        path, message = schema_message(error)
        problems.append(origin.at(*path).problem(message))
    return problems


JSON_TYPES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _expected(types: str | list[str]) -> str:
    names = [JSON_TYPES[t] for t in ([types] if isinstance(types, str) else types)]
    return " or ".join(names)


def shorten(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def schema_message(error: jsonschema.ValidationError) -> tuple[list[str | int], str]:
    """Turn a jsonschema error into (path, a sentence an author understands)."""
    path = list(error.absolute_path)
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1]
        return [*path, missing], "this required field is missing"
    if kind == "additionalProperties":
        allowed = ", ".join(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return path, f"unknown field(s) {', '.join(map(repr, extra))}; allowed: {allowed}"
    if kind == "type":
        return path, f"expected {_expected(error.validator_value)}, got {_describe(value)}"
    if kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return path, f"{shorten(value)} is not one of: {choices}"
    if kind == "maxLength":
        return path, f"too long: {len(value)} characters, at most {error.validator_value}"
    if kind in {"minLength", "pattern"} and isinstance(value, str) and not value.strip():
        return path, "must not be empty"
    if kind == "pattern":
        described = {
            "^[-a-zA-Z0-9_]+$": "a slug (letters, digits, hyphens and underscores)",
            "^([A-Z]{2})?$": "an ISO 3166-1 alpha-2 country code in capitals, such as CN",
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date written YYYY-MM-DD",
            "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$": "a language tag such as en, zh or pt-BR",
            "^Q[1-9][0-9]*$": "a Wikidata ID: Q and digits, such as Q22686",
            "^[a-z0-9][a-z0-9_.-]*$": "a scheme's short lower-case name, such as viaf",
        }.get(error.validator_value, "in the expected form")
        if "\\r\\n" in error.validator_value or "\r\n" in error.validator_value:
            described = "a single line"
        return path, f"{shorten(value)} is not {described}"
    if kind == "minimum":
        return path, f"must be at least {error.validator_value}, got {value}"
    if kind == "maximum":
        return path, f"must be at most {error.validator_value}, got {value}"
    if kind == "uniqueItems":
        return path, "lists the same item more than once"
    if kind == "anyOf":
        # "a slug or null" and the like: report the branch matching the value's type.
        for sub in sorted(error.context or [], key=lambda e: len(e.relative_schema_path)):
            if sub.validator != "type":
                return schema_message(sub)
        types = [s.get("type", "string") for s in error.validator_value if "type" in s] or []
        refs = [s for s in error.validator_value if "$ref" in s]
        names = [JSON_TYPES.get(t, t) for t in types] + ["a string"] * bool(refs)
        return path, f"expected {' or '.join(sorted(set(names)))}, got {_describe(value)}"
    return path, error.message
