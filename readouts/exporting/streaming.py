"""Writing JSON in pieces, as json.dumps would write it whole, and reading rows in chunks."""

import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

CHUNK = 200  # meetings (or statements) per round of queries


def iterate(queryset: QuerySet, chunk_size: int = CHUNK) -> Iterator:
    return queryset.iterator(chunk_size=chunk_size)


def dump(value, indent: int | None, level: int = 0) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=indent, cls=DjangoJSONEncoder)
    if indent is None or level == 0:
        return text
    # JSON strings hold no raw newline, so every line break is layout.
    return text.replace("\n", "\n" + " " * (indent * level))


def stream_object(
    head: list[tuple[str, object]], key: str, items: Iterable, indent: int | None
) -> Iterator[str]:
    """Write {head..., key: [items...]} as json.dumps would, one item at a time."""
    if indent is None:
        yield "{" + "".join(f"{json.dumps(k)}: {dump(v, None)}, " for k, v in head)
        yield f"{json.dumps(key)}: ["
        for i, item in enumerate(items):
            yield (", " if i else "") + dump(item, None)
        yield "]}\n"
        return
    pad = " " * indent
    yield "{\n" + "".join(f"{pad}{json.dumps(k)}: {dump(v, indent, 1)},\n" for k, v in head)
    yield f"{pad}{json.dumps(key)}: ["
    count = 0
    for count, item in enumerate(items, 1):
        yield ("," if count > 1 else "") + "\n" + pad * 2 + dump(item, indent, 2)
    yield ("\n" + pad + "]" if count else "]") + "\n}\n"


def stream_list(items: Iterable, indent: int | None) -> Iterator[str]:
    yield "["
    count = 0
    for count, item in enumerate(items, 1):
        separator = ("," if count > 1 else "") + ("\n" + " " * indent if indent else "")
        if indent is None and count > 1:
            separator = ", "
        yield separator + dump(item, indent, 1)
    yield ("\n]" if indent and count else "]") + "\n"
