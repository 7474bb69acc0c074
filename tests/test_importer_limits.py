"""The importer's limits: what drafting a paste can cost, and what is refused, where, and how."""

import os
import re
import resource
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_countries import countries
from hypothesis import given, settings
from hypothesis import strategies as st

from readouts.importing import MAX_TEXT, UnreadableText, Vocabulary, draft_text, read_text
from readouts.importing.draft import (
    MAX_PARTICIPANTS,
    MAX_TITLE,
    NOBODY,
    _contact,
    _references,
)
from readouts.importing.people import Person, _by_name
from readouts.importing.text import (
    EMPHASIS,
    HTML_TAG,
    MARKDOWN_ESCAPE,
    MARKDOWN_LINK,
    MAX_FRONT_MATTER,
    MAX_SENTENCE,
    _unmark,
    sentences,
)

from .factories import PROJECT, snapshot
from .pathological_texts import CALL, PLAIN, TEXTS

IMPORT = "/admin/readouts/meeting/import-text/"
LONG = ("welcomed " * (MAX_TEXT // 9 + 1))[: MAX_TEXT + 1]  # one character too long
TOO_LONG = f"the text is {MAX_TEXT + 1:,} characters long; a readout is at most {MAX_TEXT:,}"


# --- what drafting can cost ----------------------------------------------------------------


def _five_seconds_of_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (5, 5))


def test_it_drafts_or_refuses_each_pathological_text_within_five_seconds_of_cpu():
    # CPU time, not a wall clock: the machine may be busy with other things. Each text is
    # drafted in a process forked for it, which has the same limit on its own CPU time.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from tests.pathological_texts import main; main()",
        ],
        preexec_fn=_five_seconds_of_cpu,
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=600,  # only so that a stuck run cannot hang the suite
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stdout.count("drafted or refused in") == len(TEXTS)


def test_it_refuses_a_text_longer_than_a_readout_before_reading_it():
    with pytest.raises(UnreadableText, match=f"^{TOO_LONG}$"):
        read_text(LONG)
    with pytest.raises(UnreadableText, match=f"^{TOO_LONG}$"):
        draft_text(LONG, Vocabulary())
    # At the limit the text is read.
    assert read_text("Readout\n\n" + "x" * (MAX_TEXT - 9)).paragraphs == ["x" * (MAX_TEXT - 9)]


def test_it_cuts_a_run_without_sentence_ends_into_pieces_at_spaces():
    run = "and the sides discussed " * 1000 + "trade."
    pieces = sentences(run)
    assert len(pieces) == 5
    assert max(map(len, pieces)) <= MAX_SENTENCE
    assert " ".join(pieces) == run  # statements join sentences with a space, as before
    word = "x" * (2 * MAX_SENTENCE + 10)
    assert sentences(word) == ["x" * MAX_SENTENCE, "x" * MAX_SENTENCE, "x" * 10]
    # "Mr. Mr. Mr. ..." is one sentence: no full stop in it ends one.
    assert sentences("Mr. " * 1000 + "Smith left. Then") == ["Mr. " * 1000 + "Smith left.", "Then"]


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: " + "[" * 5000, r"the front matter is nested too deeply \(5,000 levels"),
        ("title: " + "[{" * 11 + "}]" * 11, r"the front matter is nested too deeply \(22 levels"),
        (
            ("k: v\n" * (MAX_FRONT_MATTER // 5 + 1)).strip(),
            f"the front matter is {MAX_FRONT_MATTER + 4:,} characters long; "
            f"a readout's is at most {MAX_FRONT_MATTER:,}",
        ),
    ],
)
def test_it_refuses_front_matter_no_readout_has(front, message):
    with pytest.raises(UnreadableText, match=message):
        read_text(f"---\n{front}\n---\nThey met.")


def test_it_reads_only_single_values_from_the_front_matter():
    # A title that is a list of lists through YAML aliases would be billions of words as text.
    levels = "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 12)
    )
    source = read_text(f"---\na0: &a0 [x]\n{levels}title: *a11\ndate: *a11\n---\nThey met.")
    assert source.title == ""
    assert source.published_date is None
    assert "the front matter has no title" in source.notes


def test_it_does_not_read_names_from_a_title_longer_than_any_readouts():
    title = "Readout of a Call with " + "Prime Minister Kishida of Japan and " * 40
    assert len(title) > MAX_TITLE
    draft = draft_text(
        f"{title}\n2023-01-01\n\nPresident Biden spoke with Prime Minister Kishida of Japan. "
        "Kishida said that ties are strong.",
        Vocabulary(),
        match_recorded=False,  # drafting only: no database here
    )
    assert f"the title is {len(title.strip()):,} characters long; it was not read for names" in (
        draft.notes
    )
    # The opening sentence still names who took part.
    assert [p.name for p in draft.people] == ["Biden", "Kishida"]


def test_it_does_not_draft_a_text_that_names_more_people_than_a_readout():
    names = ", ".join(f"President Ab{i:02} Cd of Japan" for i in range(MAX_PARTICIPANTS))
    draft = draft_text(f"{PLAIN}President Biden spoke with {names}.", Vocabulary())
    assert draft.document is None
    assert draft.reason == (
        f"it names {MAX_PARTICIPANTS + 1} people; a readout of a contact names at most "
        f"{MAX_PARTICIPANTS}"
    )


# --- the same drafts as before, sooner ---------------------------------------------------------

# The pattern _contact replaces: it went over the rest of the sentence again for every verb.
OLD_CONTACT = re.compile(
    r"^(?P<host>.+?)\s+(?:also\s+)?(?:spoke|met|held|had|talked|hosted|convened|received|"
    r"welcomed|joined|participated)\b(?P<between>[^.]*?)\bwith\s+(?P<with>.+)$"
    r"|^(?P<host2>.+?)\s+(?:welcomed|hosted|received)\s+(?P<with2>.+?)\s+(?:to|at|in)\s+.*$"
)
CONTACT_WORDS = [
    "X", "Wang Yi", " ", "   ", "\t", ".", ",", "met", "spoke", "welcomed", "hosted",
    "received", "also", "with", "withal", "to", "at", "in", "into", "the", "é", "_",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CONTACT_WORDS), max_size=14))
def test_it_reads_the_opening_contact_as_the_single_pattern_did(words):
    sentence = "".join(words)
    match = OLD_CONTACT.match(sentence)
    expected = (match["host"] or match["host2"], match["with"] or match["with2"]) if match else None
    assert _contact(sentence) == expected


def _old_unmark(line: str) -> str:
    line = HTML_TAG.sub("", MARKDOWN_LINK.sub(r"\1", line))
    return MARKDOWN_ESCAPE.sub(r"\1", EMPHASIS.sub(r"\1", line))


MARKDOWN_PIECES = ["[", "]", "(", ")", "](", "[a](b)", "a", " ", "<", ">", "<sup", "</b", "<i>"]
MARKDOWN_PIECES += ["\\", "*", "**", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=16))
def test_it_removes_markdown_links_and_tags_as_the_patterns_did(pieces):
    line = "".join(pieces)
    assert _unmark(line) == _old_unmark(line)


PEOPLE = [
    Person("Joe Biden", "President", "US", home=True, forms={"Joseph R. Biden, Jr."}),
    Person("Justin Trudeau", "Prime Minister", "CA"),
    Person("Fumio Kishida", "Prime Minister", "JP"),
    Person("Kishida Fumio", "Prime Minister", "JP"),
    Person("Wang Yi", "State Councilor and Foreign Minister", "CN"),
]
REFERENCE_WORDS = [
    "Joe", "Biden", "Joseph", "R.", "Jr.", ",", " ", "  ", "President", "Prime", "Minister",
    "the", "The", "THE", "Kishida", "Fumio", "Wang", "Yi", "Mr.", "Trudeau", "’s", "-x", "said",
    "Foreign", "State", "Councilor", "and",
]  # fmt: skip


REFERENCES = _references(PEOPLE)
FORMS = [(re.compile(pattern), person) for _, pattern, person in REFERENCES.forms]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(REFERENCE_WORDS), max_size=10))
def test_it_finds_who_a_sentence_begins_with_as_trying_every_form_would(words):
    text = "".join(words)
    expected = NOBODY
    for pattern, person in FORMS:  # longest first
        match = pattern.match(text)
        if match:
            expected = (person, match.end())
            break
    assert REFERENCES.at(text) == expected


def test_it_tells_countries_by_name_as_django_countries_does():
    names = [str(name) for _, name in countries] + ["Turkey", "Swaziland", "Czech Republic"]
    names += [name.upper() for name in names] + ["", "Fooland", "the Republic", "Japan X"]
    for name in names:
        assert _by_name(name) == countries.by_name(name), name


# --- the command -----------------------------------------------------------------------------


def test_the_command_refuses_a_file_longer_than_a_readout_and_writes_nothing(seeded, tmp_path):
    readout = tmp_path / "readout.txt"
    readout.write_text(f"{CALL}President Biden spoke with Prime Minister Kishida of Japan.\n")
    long = tmp_path / "long.txt"
    long.write_text(LONG, encoding="utf-8")
    before = snapshot()
    for options in (["-o", str(tmp_path / "drafts")], ["--load"]):
        with pytest.raises(CommandError) as refused:
            call_command("import_readout_text", str(readout), str(long), *options)
        assert str(refused.value) == (
            "1 file(s) could not be read; nothing was "
            + ("loaded" if "--load" in options else "written")
            + f":\n  {long}: {TOO_LONG}"
        )
        assert refused.value.returncode == 1  # manage.py's exit status
    assert not (tmp_path / "drafts").exists()
    assert snapshot() == before


# --- the admin's import page -----------------------------------------------------------------


def errors(response) -> list[str]:
    return re.findall(r'<p class="errornote">(.*?)</p>', response.content.decode(), re.S)


@pytest.mark.django_db
def test_the_import_page_refuses_a_paste_or_file_longer_than_a_readout(admin_client):
    message = (
        f"The text is {MAX_TEXT + 1:,} characters long; a readout is at most {MAX_TEXT:,}. "
        "Nothing was drafted."
    )
    before = snapshot()
    response = admin_client.post(IMPORT, {"text": LONG})
    assert response.status_code == 200
    assert [e.strip() for e in errors(response)] == [message]
    upload = SimpleUploadedFile("long.txt", LONG.encode("utf-8"))
    response = admin_client.post(IMPORT, {"text": "", "file": upload})
    assert [e.strip() for e in errors(response)] == [message]
    assert snapshot() == before


def csrf_client(user: User | None, page: str) -> tuple[Client, dict]:
    """A client that checks CSRF tokens, as browsers meet the site, with the token a page gave."""
    client = Client(enforce_csrf_checks=True)
    if user:
        client.force_login(user)
    client.get(page)
    return client, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}


TOO_LARGE_TO_READ = (
    "The text is larger than 2.5\xa0MB; a readout is at most "
    f"{MAX_TEXT:,} characters. Nothing was drafted."
)


@pytest.mark.django_db
def test_a_paste_larger_than_django_reads_gets_the_import_form_back_with_why(admin_user):
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440  # 2.5 MB
    assert not django_settings.DEBUG  # handler400 is only used with DEBUG off
    text = "welcomed " * (2_621_440 // 9 + 1)
    # As in production, the CSRF check reads the form before the view does; and without it.
    unchecked = Client()
    unchecked.force_login(admin_user)
    for client, token in [csrf_client(admin_user, IMPORT), (unchecked, {})]:
        for response in (
            client.post(IMPORT, {**token, "text": text}),
            client.post(
                IMPORT,
                urlencode({**token, "text": text}),
                content_type="application/x-www-form-urlencoded",
            ),
        ):
            assert response.status_code == 400
            assert response.templates[0].name == "admin/readouts/import_source.html"
            assert errors(response) == [TOO_LARGE_TO_READ]
            assert 'name="text"' in response.content.decode()  # the form, to paste again
            assert response.context["user"] == admin_user


@pytest.mark.django_db
def test_other_requests_too_large_to_read_get_a_plain_page_that_says_so(admin_user):
    viewer = User.objects.create_user("viewer-user", password="x", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Viewer"))
    text = "x" * 2_621_441
    for user, path in [
        (None, IMPORT),  # not signed in
        (viewer, IMPORT),  # may not import
        (admin_user, reverse("admin:readouts_topic_add")),  # another page
    ]:
        client, token = csrf_client(
            user, reverse("admin:index") if user else reverse("admin:login")
        )
        response = client.post(path, {**token, "text": text})
        assert response.status_code == 400
        page = response.content.decode()
        assert "What was sent is larger than this site reads (2.5\xa0MB)" in page
        assert "Draft the record" not in page


@pytest.mark.django_db
def test_the_import_page_does_not_review_more_statements_than_it_can_show(admin_client):
    text = CALL + "Biden said a.\n\nKishida said b.\n\n" * 51
    response = admin_client.post(IMPORT, {"text": text})
    assert response.status_code == 200
    assert errors(response) == [
        "The draft has 102 statements; the review form shows at most 100. Import this text in "
        "parts, or with the import_readout_text command. "
    ]
