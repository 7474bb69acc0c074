"""Exports, streamed in chunks: readout documents (the loader's format), a flat
Django natural-key fixture, and tables for spreadsheets.

Every export is deterministic: the same data gives the same bytes, so export,
load into an empty database, export again gives the same file (only the
header's exported_at differs; SOURCE_DATE_EPOCH fixes it).

- selection: which rows, through the pages' FilterSets, and the file's name;
- documents: readout documents (readouts/documents.py gives their shapes);
- fixtures: the Django fixture;
- tables: CSV, and statements as JSON records;
- plover: PLOVER event data (JSON lines), a CONSULT event per readout;
- popolo: persons, organisations and memberships in Popolo JSON;
- release: a citable release folder (tables as CSV and Parquet, a data package);
- streaming: JSON written piece by piece, rows read in chunks.
"""

from collections.abc import Callable, Iterator

from .documents import export_documents
from .fixtures import export_django
from .plover import export_plover
from .popolo import export_popolo
from .selection import (
    ExportError,
    choose,
    export_filename,
    filter_params,
    meetings_for,
    statements_for,
)
from .tables import meetings_csv, neutralise, statements_csv, statements_json

FORMATS = ("documents", "django", "plover", "popolo")

EXPORTERS: dict[str, Callable[..., Iterator[str]]] = {
    "documents": export_documents,
    "django": export_django,
    "plover": export_plover,
    "popolo": export_popolo,
}

__all__ = [
    "EXPORTERS",
    "FORMATS",
    "ExportError",
    "choose",
    "export_django",
    "export_documents",
    "export_filename",
    "export_plover",
    "export_popolo",
    "filter_params",
    "meetings_csv",
    "meetings_for",
    "neutralise",
    "statements_csv",
    "statements_for",
    "statements_json",
]
