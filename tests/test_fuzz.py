"""Generated bad input: the loader loads it or refuses it clearly; pages never fail."""

import copy
import json
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readouts.loading import LoadError, load
from readouts.models import Attendance, Meeting, Participant, Publisher, Readout, Statement, Topic

from .factories import seed_document, snapshot

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=50)
    | st.sampled_from(
        [
            "",
            " ",
            "x" * 5000,
            "2022-02-30",
            "XX",
            "<script>",
            "\x00",
            "\ud800",
            "phone_call",
            "wang-yi",
            "2022-10-27T23:38:00",
            "😀" * 100,
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def paths(value, prefix=()):
    """Every place in a document: (path to the container, key)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield prefix, key
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield prefix, index
            yield from paths(child, (*prefix, index))


SEED_PATHS = list(paths(seed_document()))


@st.composite
def mutated_documents(draw):
    doc = seed_document()
    doc["meeting"]["slug"] = "fuzzed-meeting"
    for _ in range(draw(st.integers(1, 3))):
        container_path, key = draw(st.sampled_from(SEED_PATHS))
        container = doc
        try:
            for part in container_path:
                container = container[part]
            action = draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
            if action == "replace":
                container[key] = draw(json_values)
            elif action == "delete":
                del container[key]
            elif action == "add" and isinstance(container, dict):
                container[draw(st.text(min_size=1, max_size=8))] = draw(json_values)
            elif action == "duplicate" and isinstance(container, list):
                container.append(copy.deepcopy(container[key]))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this place
    return doc


@pytest.fixture
def write(tmp_path):
    def write_bytes(data) -> str:
        path = tmp_path / "fuzzed.json"
        path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
        return str(path)

    return write_bytes


@FUZZ
@given(doc=mutated_documents())
def test_it_loads_or_refuses_mutated_documents_clearly(doc, seeded, write):
    before = snapshot()
    path = write(doc)
    try:
        report = load([path])
    except LoadError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == path and problem.message.strip()
            assert "Traceback" not in problem.message
        assert snapshot() == before
    else:
        assert report.documents == 1
        assert Meeting.objects.filter(slug=doc["meeting"]["slug"]).exists()


@FUZZ
@given(data=json_values)
def test_it_refuses_arbitrary_json_clearly(data, seeded, write):
    before = snapshot()
    try:
        report = load([write(data)])
    except LoadError as exc:
        assert all(p.message.strip() for p in exc.problems)
    else:
        assert not report.changed  # an empty list: nothing to load
    assert snapshot() == before


@pytest.mark.parametrize(
    "text,message",
    [
        ("\x00", "contains a NUL character (\\u0000), which cannot be stored"),
        ("\ud800", "contains an unpaired surrogate (\\ud800-\\udfff), not a character"),
    ],
)
def test_it_refuses_text_no_database_can_store(text, message, seeded, write):
    doc = seed_document()
    doc["readouts"][0]["statements"][1]["text"] = f"before{text}after"
    before = snapshot()
    with pytest.raises(LoadError) as excinfo:
        load([write(doc)])
    assert str(excinfo.value.problems[0]).endswith(f"readouts[0].statements[1].text: {message}")
    assert snapshot() == before


# The reader takes a list or an object a value at a time: it must refuse what json.loads
# refuses, with the same message, and accept what it accepts.

PIECES = ["[", "]", "{", "}", ",", ":", '"', " ", "\n", "1", "NaN", '"documents": [', '"a": 1,']


@st.composite
def json_texts(draw):
    value = draw(
        json_values
        | st.lists(json_values, max_size=3)
        | st.builds(lambda docs: {"export": {}, "documents": docs}, st.lists(json_values))
        | st.builds(lambda docs: {"meeting": {}, "documents": docs}, st.lists(json_values))
        | st.builds(lambda docs: [{"model": "readouts.topic"}, *docs], st.lists(json_values))
    )
    text = json.dumps(value, indent=draw(st.sampled_from([None, 1])))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["cut", "insert", "delete"]))
        if edit == "cut":
            text = text[:at]
        elif edit == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        else:
            text = text[:at] + text[at + 1 :]
    return text


@FUZZ
@given(text=json_texts())
def test_it_reads_json_as_strictly_as_json_loads(text, tmp_path):
    from readouts.loading.reading import _no_duplicate_keys, _refuse_constant, read_source

    try:
        json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        expected = [f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
    except ValueError as exc:
        expected = [f"invalid JSON: {exc}"]
    else:
        expected = []
    path = tmp_path / "text.json"
    path.write_text(text, encoding="utf-8")
    problems = []
    read_source(path, problems)
    if text.strip():
        assert [p.message for p in problems if p.message.startswith("invalid JSON")] == expected


# Script and HTML in every text field, on every page and in the admin.

PAYLOAD = '"><script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def accepts(field, value: str) -> bool:
    try:
        field.run_validators(value)
    except ValidationError:
        return False
    return True


def poison_every_text_field() -> None:
    for model in [Meeting, Participant, Attendance, Publisher, Readout, Statement, Topic]:
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() in {"CharField", "TextField"}
            # Former slugs are slugs a merge writes; nobody types them.
            and f.name not in {"slug", "language", "kind", "country", "former_slugs"}
            # Only where the model takes such text: no form or load accepts it as a URL
            # or a web host (and a backup would refuse it).
            and accepts(f, PAYLOAD)
        ]
        model.objects.update(**{name: PAYLOAD for name in fields})


def test_it_escapes_payloads_in_every_text_field_everywhere(seeded, admin_client):
    poison_every_text_field()
    ids = {
        model: model.objects.first().pk
        for model in [Meeting, Participant, Attendance, Publisher, Readout, Statement, Topic]
    }
    pages = [
        "/",
        "/meetings/",
        "/meetings/2022-10-27-wang-yi-sergey-lavrov/",
        "/participants/",
        "/participants/wang-yi/",
        "/topics/",
        "/topics/ukraine-issue/",
        "/statements/",
        "/statements/?q=alert",
        "/meetings/?q=alert",
    ]
    for model, pk in ids.items():
        name = model._meta.model_name
        pages += [
            reverse(f"admin:readouts_{name}_changelist"),
            reverse(f"admin:readouts_{name}_change", args=[pk]),
            reverse(f"admin:readouts_{name}_history", args=[pk]),
        ]
    for url in pages:
        page = admin_client.get(url).content.decode()
        assert "<script>alert(" not in page, url
        assert "<img src=x" not in page, url
    assert ESCAPED in admin_client.get("/meetings/").content.decode()


def test_it_enforces_csrf_on_admin_forms(seeded):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("boss", password="x"))
    meeting = Meeting.objects.get()
    url = reverse("admin:readouts_meeting_change", args=[meeting.pk])
    response = client.post(url, {"title": "Forged", "opened_version": meeting.version})
    assert response.status_code == 403
    assert Meeting.objects.get().title != "Forged"


query_strings = st.dictionaries(
    st.text(max_size=12), st.text(max_size=200) | st.integers().map(str), max_size=5
)

ADMIN_PAGES = [
    reverse(f"admin:readouts_{m._meta.model_name}_changelist")
    for m in [Meeting, Participant, Attendance, Publisher, Readout, Statement, Topic]
]
DETAIL_PAGES = [
    "/meetings/2022-10-27-wang-yi-sergey-lavrov/",
    "/participants/wang-yi/",
    "/topics/ukraine-issue/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES + DETAIL_PAGES)
@FUZZ
@given(params=query_strings)
def test_it_never_fails_on_generated_query_strings_in_admin_and_details(
    url, params, seeded, admin_client
):
    response = admin_client.get(f"{url}?{urlencode(params)}")
    assert response.status_code < 500


@FUZZ
@given(doc=mutated_documents())
def test_it_gets_the_same_verdict_from_the_fast_and_the_full_schema_check(doc):
    from readouts.loading.schema import is_valid, validator

    assert is_valid("document", doc) == (not list(validator("document").iter_errors(doc)))
