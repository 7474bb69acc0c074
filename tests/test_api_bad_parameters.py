"""Whatever a client puts in the URL, the API and the feeds answer with a result or a
400 that says what was wrong, never a 5xx."""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_bad_parameters import NASTY, PARAMETERS

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/meetings/",
    "/api/participants/",
    "/api/statements/",
    "/api/readouts/",
    "/api/topics/",
    "/meetings/feed.atom",
    "/statements/feed.atom",
]
NAMES = [*PARAMETERS, "pair", "meeting_with", "cursor", "language", "reported_by_country"]


def answered(response) -> bool:
    if response.status_code == 400:
        return bool(response.content.strip())
    return response.status_code == 200


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("name", NAMES)
def test_it_answers_nasty_values_with_a_result_or_a_400(url, name, seeded, client):
    for value in NASTY:
        assert answered(client.get(url, {name: value})), (url, name, value)


query_strings = st.dictionaries(
    keys=st.one_of(st.sampled_from(NAMES), st.text(max_size=10)),
    values=st.one_of(st.text(max_size=300), st.integers().map(str), st.sampled_from(NASTY)),
    max_size=6,
)


@pytest.mark.parametrize("url", LISTS)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=query_strings)
def test_it_never_fails_on_generated_query_strings(url, params, seeded, client):
    assert answered(client.get(f"{url}?{urlencode(params)}"))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.text(min_size=1, max_size=120))
def test_it_answers_any_record_address_with_a_record_or_404(key, seeded, client):
    for prefix in ["/api/meetings/", "/api/participants/", "/api/readouts/", "/api/statements/"]:
        response = client.get(prefix + quote(key, safe="/") + "/")
        assert response.status_code in {200, 404}, (prefix, key)
