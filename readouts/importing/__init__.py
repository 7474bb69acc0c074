"""Drafting readout documents from published readouts, for an analyst to review.

Plain Python over the models: no network, no downloaded language models. The
importer reads a readout given as plain text (title, date line, paragraphs)
or as Markdown with YAML front matter, and drafts a readout document: the
meeting, its participants matched to the database (or proposed as new), the
body split into statements attributed to their speakers, and topics from the
existing vocabulary. Readouts that are not diplomatic contacts are reported
as such instead of drafted.
"""

from __future__ import annotations

from .draft import Draft, draft_readout
from .matching import Match, changes, joined, match
from .text import MAX_TEXT, Source, UnreadableText, read_text
from .vocabulary import Vocabulary
from .warnings import DraftWarning, check, matched_by_family_name

__all__ = [
    "MAX_TEXT",
    "Draft",
    "DraftWarning",
    "Match",
    "Source",
    "UnreadableText",
    "Vocabulary",
    "check",
    "draft_text",
    "read_text",
]


def draft_text(
    text: str,
    vocabulary: Vocabulary | None = None,
    *,
    publisher: dict | None = None,
    match_recorded: bool = True,
) -> Draft:
    """Draft a readout document from published text, with its warnings (raises UnreadableText).

    A draft of a contact already recorded becomes another readout of that meeting (or,
    for a readout already recorded, an update of it): `draft.match` says which."""
    if vocabulary is None:
        vocabulary = Vocabulary.from_database()
    draft = draft_readout(read_text(text), vocabulary, publisher=publisher)
    if draft.document is not None:
        if match_recorded:
            draft.match = match(draft.document)
            if draft.match.meeting is not None:
                draft.document = joined(draft.document, draft.match.meeting)
            if draft.match.readout is not None:
                # What saving would change, of the draft as it would be saved.
                draft.match.changes = changes(draft.document, draft.match.readout)
        draft.warnings = check(draft.document, vocabulary) + matched_by_family_name(
            draft.document, draft.people, vocabulary
        )
    return draft
