"""Whatever a reader puts in the URL, a page answers with a page, never a 5xx."""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readouts.models import Meeting

pytestmark = pytest.mark.django_db

LIST_PAGES = ["/", "/meetings/", "/participants/", "/statements/", "/topics/"]
PARAMETERS = [
    "q",
    "date_after",
    "date_before",
    "kind",
    "country",
    "participant",
    "speaker",
    "topic",
    "publisher",
    "organization",
    "ordering",
    "page",
    "per_page",
]
NASTY = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "99999",
    "1e10",
    "9" * 5000,
    "2022-02-30",
    "0000-00-00",
    "99999-01-01",
    "' OR 1=1 --",
    '"; DROP TABLE readouts_meeting; --',
    "<script>alert(1)</script>",
    "\x00",
    "a\x00b",
    "\ud7ff\ue000",
    "𝕏" * 300,
    "x" * 10_000,
    "%",
    "_",
    "\\",
    "joint",
    "phone_call",
    "CN",
    "wang-yi",
    "ukraine-issue",
    "mfa-prc",
    "-date",
    "date",
]


@pytest.mark.parametrize("url", LIST_PAGES)
@pytest.mark.parametrize("name", PARAMETERS)
def test_it_answers_nasty_values_with_a_page(url, name, seeded, client):
    for value in NASTY:
        response = client.get(url, {name: value})
        assert response.status_code == 200, (url, name, value)


def test_it_escapes_what_the_reader_typed(seeded, client):
    page = client.get("/statements/", {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_survives_undecodable_bytes(seeded, client):
    for url in LIST_PAGES:
        assert client.get(f"{url}?q=%ff%fe%00&page=%c3&kind=%80").status_code == 200


def test_it_ignores_an_over_long_search_with_a_message(seeded, client):
    page = client.get("/meetings/", {"q": "x" * 201}).content.decode()
    assert "Ensure this value has at most 200 characters" in page
    assert "Wang Yi Speaks" in page


def test_it_escapes_stored_text_on_every_page(seeded, client):
    payload = "<img src=x onerror=alert(1)>"
    Meeting.objects.update(title=payload, location=payload)
    for url in [
        "/",
        "/meetings/",
        "/meetings/2022-10-27-wang-yi-sergey-lavrov/",
        "/participants/wang-yi/",
        "/topics/ukraine-issue/",
    ]:
        page = client.get(url).content.decode()
        assert payload not in page, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, url


query_strings = st.dictionaries(
    keys=st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=10)),
    values=st.one_of(st.text(max_size=300), st.integers().map(str), st.sampled_from(NASTY)),
    max_size=6,
)


@pytest.mark.parametrize("url", LIST_PAGES)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=query_strings)
def test_it_never_fails_on_generated_query_strings(url, params, seeded, client):
    response = client.get(f"{url}?{urlencode(params)}")
    assert response.status_code == 200


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(slug=st.text(min_size=1, max_size=200))
def test_it_answers_any_detail_slug_with_a_page_or_404(slug, seeded, client):
    for prefix in ["/meetings/", "/participants/", "/topics/"]:
        response = client.get(prefix + quote(slug, safe="") + "/")
        assert response.status_code in {200, 404}
