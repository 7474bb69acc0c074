"""Texts made to be slow to draft, by name, and a run that drafts each with a CPU-time limit.

tests/test_importer_limits.py runs main() in a subprocess limited to five seconds of CPU
time, after django.setup(). main() drafts each text in a child process of its own, forked
from it: the child has the same limit, on its own CPU time, and Django is set up only once.
Each text is at the importer's size limit unless its name says otherwise, and is made in
the child.
"""

import contextlib
import os
import sys
import traceback
from collections.abc import Callable

PLAIN = "Readout of a meeting\n2023-01-01\n\n"
CALL = "Readout of President Biden’s Call with Prime Minister Kishida of Japan\n2023-01-01\n\n"
MARKDOWN = (
    "---\ntitle: Readout of President Biden’s Call with Prime Minister Kishida of Japan\n"
    "date: '2023-01-01'\n---\n\n"
)
# Forty-eight counterparts with a long office (a dozen ways to refer to each) whose names all
# begin with the same word: every sentence beginning with it could name any of them.
SUMMIT = (
    PLAIN
    + "President Biden spoke with "
    + ", ".join(f"Special Presidential Envoy for Climate Pa Q{i:02} of Japan" for i in range(48))
    + ". "
)
ALIASES = (
    "---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 12))
    + "title: *a11\npublished_time: *a11\nsource_url: *a11\n---\nThey met."
)


def fill(unit: str, prefix: str = "", suffix: str = "", size: int | None = None) -> str:
    """prefix, unit again and again, suffix: at most size characters (the limit by default)."""
    from readouts.importing import MAX_TEXT

    size = MAX_TEXT if size is None else size
    return prefix + unit * ((size - len(prefix) - len(suffix)) // len(unit)) + suffix


def _front_matter_at_its_limit() -> str:
    from readouts.importing.text import MAX_FRONT_MATTER

    lines = [f"k{i}: v\n" for i in range(MAX_FRONT_MATTER // 10)]
    return "---\n" + "".join(lines)[: MAX_FRONT_MATTER - 2].rsplit("\n", 1)[0] + "\n---\nThey met."


TEXTS: dict[str, Callable[[], str]] = {
    # The outside test's report: "X " and "welcomed " again and again.
    "welcomed": lambda: fill("welcomed ", PLAIN + "X "),
    "welcomed with a counterpart": lambda: fill("welcomed ", CALL + "X "),
    "welcomed, 2.5 MB": lambda: fill("welcomed ", PLAIN + "X ", size=2_500_000),
    "hosted without a place": lambda: fill("hosted A ", CALL + "X ", "to"),
    "no full stops": lambda: fill(
        "and the sides discussed ", CALL + "President Biden met Prime Minister Kishida "
    ),
    "names and titles": lambda: fill("President Biden and Prime Minister ", CALL),
    "names and titles as the title": lambda: fill(
        "President Biden and Prime Minister ",
        "Readout of President Biden’s Call with ",
        "\n2023-01-01\n\nThe two sides agreed.",
    ),
    "names in the opening sentence": lambda: fill(
        "President Ab Cd of Japan, ", PLAIN + "President Biden spoke with ", "."
    ),
    "with with with": lambda: fill("with ", CALL + "X met "),
    # An outside review's: offices with "of" and "and" again and again.
    "of after of in the opening": lambda: fill(
        "of Aa, ", PLAIN + "President Biden spoke with Minister ", "Bb Cc. They met."
    ),
    "of after of in the title": lambda: fill(
        "of Aa, ",
        "Readout of President Biden’s Call with Minister ",
        "\n2023-01-01\n\nThey met.",
        size=990,
    ),
    "and after and in the opening": lambda: fill(
        "Minister of Aa and ", PLAIN + "President Biden spoke with ", "Bb Cc. They met."
    ),
    "a trip meeting offices": lambda: fill(
        "The delegation met with Minister of Aa and Minister of Bb Cc; ",
        PLAIN + "Secretary Ab Cd traveled to Fiji. ",
    ),
    "commas after an intro word": lambda: fill(", a", CALL + "During x", ", the sides met."),
    "abbreviations": lambda: fill("Mr. ", CALL + "X "),
    "many participants, many sentences": lambda: fill("Pa Zz. ", SUMMIT),
    "short paragraphs": lambda: fill("Biden said.\n\nKishida said.\n\n", CALL),
    "unbalanced Markdown": lambda: fill("*a **b [c](d <sup [ ( ", MARKDOWN),
    "open brackets": lambda: fill("[", MARKDOWN),
    "links without ends": lambda: fill("[a](", MARKDOWN),
    "huge front matter": lambda: "---\n" + fill("key: value\n", suffix="---\nThey met."),
    "front matter at its limit": _front_matter_at_its_limit,
    "nested front matter": lambda: "---\ntitle: " + "[" * 15_000 + "\n---\nThey met.",
    "front matter aliases": lambda: ALIASES,
    "one enormous line": lambda: fill("word "),
    "one enormous word": lambda: fill("x"),
}


def draft(name: str) -> None:
    """Draft the text of that name: it drafts or is refused as unreadable, nothing else."""
    from readouts.importing import UnreadableText, Vocabulary, draft_text

    with contextlib.suppress(UnreadableText):
        draft_text(TEXTS[name](), Vocabulary(), match_recorded=False)


def main() -> None:
    """Draft every text in a child process; exit 1 if any fails or runs out of CPU time."""
    failed = []
    for name in TEXTS:
        child = os.fork()
        if child == 0:
            try:
                draft(name)
            except BaseException:  # reported, and the child's exit status says so
                traceback.print_exc()
                os._exit(1)
            os._exit(0)
        _, status, usage = os.wait4(child, 0)
        seconds = usage.ru_utime + usage.ru_stime
        if os.WIFSIGNALED(status):
            outcome = f"killed by signal {os.WTERMSIG(status)} (out of CPU time) after"
        else:
            outcome = "failed after" if os.WEXITSTATUS(status) else "drafted or refused in"
        print(f"{name}: {outcome} {seconds:.2f} s of CPU", flush=True)
        if outcome != "drafted or refused in":
            failed.append(name)
    sys.exit(1 if failed else 0)
