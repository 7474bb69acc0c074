"""End to end in a real browser: Debian's Chromium, driven by Playwright, against a
live server. Skipped, with the reason, where /usr/bin/chromium is not installed."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from readouts.loading import load, load_documents
from readouts.models import Meeting, Participant, Statement

from .factories import SEED, corpus_generator, write_json

CHROMIUM = "/usr/bin/chromium"
PROJECT = Path(__file__).resolve().parent.parent
SCREENSHOTS = PROJECT / "docs" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an event loop in the test's thread; the ORM
    # calls these tests make there are ordinary synchronous ones. Only for this module.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    """A page that fails the test if the site's content security policy blocks anything
    it uses: every page and admin page the tests open must work under it."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append((page.url, message.text))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not blocked, blocked


@pytest.fixture
def corpus(tmp_path):
    """The founding readout and 60 generated meetings (fixed seed: stable screenshots)."""
    documents = corpus_generator().build(60, seed=7)
    load([SEED, write_json(tmp_path / "corpus.json", documents)])


def sign_in(page) -> None:
    User.objects.create_superuser("analyst", password="a long enough password")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def choose(page, select_id: str, typed: str, option: str) -> None:
    """Pick in one of the admin's autocomplete (select2) fields."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_supports_the_curation_flow(page):
    load([SEED])
    sign_in(page)
    policy = page.request.get("/admin/").headers["content-security-policy"]
    assert "script-src 'self'" in policy

    page.goto("/admin/readouts/meeting/add/")
    page.locator("#id_title").fill("Wang Yi Holds Talks with Sergey Lavrov in Moscow")
    page.locator("#id_date").fill("2023-02-22")
    page.locator("#id_kind").select_option("talks")
    page.locator("#id_location").fill("Moscow")
    page.get_by_text("Add another Attendance").click()
    page.get_by_text("Add another Attendance").click()
    choose(page, "id_attendances-0-participant", "Wang", "Wang Yi")
    page.locator("#id_attendances-0-title").fill(
        "Director of the Office of the Central Foreign Affairs Commission"
    )
    choose(page, "id_attendances-1-participant", "Sergei", "Sergey Lavrov")
    page.locator("#id_attendances-1-order").fill("1")
    page.get_by_text("Add another Readout").click()
    choose(page, "id_readouts-0-publisher", "Foreign", "Ministry of Foreign Affairs")
    page.locator("#id_readouts-0-title").fill("Wang Yi Holds Talks with Sergey Lavrov")
    page.locator("#id_readouts-0-body").fill("Wang Yi held talks with Sergey Lavrov.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/admin/readouts/meeting/\d+/change/"))
    meeting = Meeting.objects.get(location="Moscow")
    assert [a.participant.slug for a in meeting.attendances.all()] == ["wang-yi", "sergey-lavrov"]

    page.locator(".inline-related a.inlinechangelink").first.click()
    page.wait_for_url(re.compile(r"/admin/readouts/readout/\d+/change/"))
    texts = [
        "Wang Yi said the two sides should deepen cooperation.",
        "Lavrov said Russia valued the relationship.",
        "The two sides exchanged views on the Ukraine issue.",
    ]
    for i, text in enumerate(texts):
        page.get_by_text("Add another Statement").click()
        page.locator(f"#id_statements-{i}-sequence").fill(str(i + 1))
        page.locator(f"#id_statements-{i}-text").fill(text)
    choose(page, "id_statements-0-speaker", "Wang", "Wang Yi")
    choose(page, "id_statements-1-speaker", "Lavrov", "Sergey Lavrov")
    choose(page, "id_statements-2-topics", "Ukraine", "Ukraine issue")
    choose(page, "id_statements-0-topics", "China-Russia", "China-Russia relations")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/readouts/readout/")
    assert list(meeting.readouts.get().statements.values_list("text", flat=True)) == texts

    # Found on the meetings page through its filters, then opened.
    page.goto("/meetings/")
    page.get_by_label("Participant").fill("sergey-lavrov")
    page.get_by_label("Kind").select_option("talks")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"participant=sergey-lavrov.*kind=talks|kind=talks.*participant"))
    page.get_by_role("link", name="Wang Yi Holds Talks with Sergey Lavrov in Moscow").click()
    page.wait_for_url(f"**{meeting.get_absolute_url()}")
    assert page.get_by_text("Lavrov said Russia valued the relationship.").is_visible()

    # An edit to a statement shows in its history.
    statement = Statement.objects.get(text=texts[1])
    page.goto(f"/admin/readouts/statement/{statement.pk}/change/")
    page.get_by_label("Text:").fill("Lavrov said Russia highly valued the relationship.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/readouts/statement/")
    page.goto(f"/admin/readouts/statement/{statement.pk}/history/")
    history = page.locator("#change-history").inner_text()
    assert "Lavrov said Russia highly valued the relationship." in history
    assert "analyst" in history


def test_an_analyst_settles_likely_duplicates_and_filters_by_a_typed_name(page):
    from .test_merging import second_meeting

    load([SEED])
    # Wang Yi recorded twice (the second attends a later call, where he speaks), and two
    # people of one country and family name who are two people.
    load_documents([("later.json", second_meeting())])
    Participant.objects.create(slug="macky-sall", name="Macky Sall", country="SN")
    Participant.objects.create(slug="aissata-tall-sall", name="Aïssata Tall Sall", country="SN")
    sign_in(page)
    page.goto("/admin/readouts/participant/")
    page.get_by_role("link", name="Likely duplicates").click()
    pairs = page.locator("#likely-duplicates tbody tr")
    assert pairs.count() == 2
    # On a phone, both buttons are on the screen, nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Not the same: the pair leaves the list, and each record names the other.
    sall = pairs.filter(has_text="Aïssata Tall Sall")
    sall.get_by_role("button", name="Not the same").click()
    page.get_by_text("are now marked as not the same participant").wait_for()
    assert pairs.count() == 1 and not pairs.filter(has_text="Sall").count()
    assert Participant.objects.get(slug="macky-sall").distinct_list == ["aissata-tall-sall"]

    # The same person twice: reviewed, merged into the one kept.
    pairs.filter(has_text="Wang Yi (FM)").get_by_role("link", name="Review merge").click()
    page.get_by_label("Wang Yi (CN)", exact=True).check()
    page.get_by_role("button", name="Merge into the one chosen").click()
    page.wait_for_url(re.compile(r"/admin/readouts/participant/\d+/change/"))
    assert page.get_by_text("Merged wang-yi-fm into wang-yi").is_visible()
    wang = Participant.objects.get(slug="wang-yi")
    assert "wang-yi-fm" in wang.former_slug_list and "Wáng Yì" in wang.alias_list
    assert not Participant.objects.filter(slug="wang-yi-fm").exists()
    page.goto("/admin/readouts/participant/duplicates/")
    assert page.get_by_text("No likely duplicates.").is_visible()

    # A reader types the spelling the merged record brought (now an alias) and finds both
    # meetings of the one person; part of the name finds them too, and the box then says
    # who was chosen.
    for typed, shown in [("wáng yì", "wáng yì"), ("wang", "Wang Yi")]:
        page.goto("/meetings/")
        page.get_by_label("Participant").fill(typed)
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"participant=w"))
        assert page.get_by_role("link", name="A later call").is_visible()
        assert page.get_by_role("link", name=re.compile("Wang Yi Speaks with")).is_visible()
        assert page.get_by_label("Participant").input_value() == shown


def test_the_admin_works_under_the_content_security_policy(page):
    # The page fixture fails the test on anything the policy blocks; these pages use
    # the admin's scripts: prepopulated slugs, calendars, autocomplete, history, delete.
    load([SEED])
    sign_in(page)
    meeting = Meeting.objects.get()
    version = meeting.history.earliest("history_date")
    page.goto("/admin/readouts/topic/add/")
    page.locator("#id_name").press_sequentially("Arms control")
    assert page.locator("#id_slug").input_value() == "arms-control"
    page.goto("/admin/readouts/meeting/add/")
    page.get_by_role("link", name="Today").first.click()
    assert page.locator("#id_date").input_value()
    for url in [
        "/admin/",
        "/admin/readouts/meeting/?kind__exact=phone_call",
        f"/admin/readouts/meeting/{meeting.pk}/history/",
        f"/admin/readouts/meeting/{meeting.pk}/history/{version.history_id}/",
        f"/admin/readouts/meeting/{meeting.pk}/delete/",
        "/admin/readouts/meeting/import-text/",
        "/admin/audit/loadrun/",
        "/admin/auth/user/add/",
    ]:
        page.goto(url)
        assert page.locator("#content").is_visible(), url


def test_the_admins_buttons_leave_a_long_name_readable(page):
    load([SEED])
    meeting = Meeting.objects.get()
    meeting.title = "A very long title " * 8
    meeting.save()
    sign_in(page)
    page.goto(f"/admin/readouts/meeting/{meeting.pk}/change/")
    heading = page.locator("#content h2").first.bounding_box()
    buttons = page.locator(".object-tools").bounding_box()
    assert buttons["y"] >= heading["y"] + heading["height"]  # below the name, not over it


def test_a_list_on_a_phone_says_what_each_value_is(page, corpus):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/participants/")
    first = page.locator("table.list tbody tr").first
    label = first.locator("td.num").evaluate("cell => getComputedStyle(cell, '::before').content")
    assert "Meetings" in label or "attr(data-label)" in label
    # An organization nobody has takes no line.
    empty = first.locator("td.empty")
    assert empty.count() == 0 or not empty.first.is_visible()


def test_it_round_trips_a_download_through_an_empty_database(page, corpus, tmp_path):
    page.goto("/meetings/?kind=phone_call&country=CN")
    expected = set(
        Meeting.objects.filter(
            kind="phone_call", attendances__participant__country="CN"
        ).values_list("slug", flat=True)
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON").click()
    assert download.value.suggested_filename.startswith("meetings-country-CN-kind-phone_call-")
    path = tmp_path / "download.json"
    download.value.save_as(path)

    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "browser-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
    }

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    manage("migrate", "--no-input", "-v0")
    manage("load_readouts", str(path))
    exported = json.loads(manage("export_readouts"))
    assert {d["meeting"]["slug"] for d in exported["documents"]} == expected
    assert expected


def test_it_filters_pages_highlights_and_aligns_readouts(page, corpus):
    page.goto("/meetings/")
    total = page.locator("p.count").inner_text()
    page.get_by_label("Kind").select_option("phone_call")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/meetings/?*kind=phone_call*")
    assert page.locator("p.count").inner_text() != total
    assert page.locator("table.list tbody tr").count() > 0

    page.goto("/meetings/")
    page.get_by_role("link", name="Next", exact=True).click()
    page.wait_for_url("**page=2")
    assert "Page 2 of" in page.locator("nav.pager").inner_text()

    page.goto("/statements/?q=Lavrov")
    assert page.locator("article.statement mark").first.is_visible()
    assert page.locator("article.statement mark").first.inner_text() == "Lavrov"

    two = next(m for m in Meeting.objects.all() if m.readouts.count() >= 2)
    page.goto(two.get_absolute_url())
    assert page.locator("table.aligned").is_visible()
    assert page.locator("table.aligned thead th").count() == 1 + two.readouts.count()


def test_it_works_the_filter_form_from_the_keyboard(page, corpus):
    page.goto("/meetings/")
    page.get_by_label("Search").focus()
    order = []
    for _ in range(20):
        name = page.evaluate("document.activeElement.name || document.activeElement.type")
        if not order or order[-1] != name:  # a date input takes a Tab per part of the date
            order.append(name)
        if name == "submit":
            break
        page.keyboard.press("Tab")
    assert order == [
        "q",
        "date_after",
        "date_before",
        "kind",
        "country",
        "participant",
        "topic",
        "publisher",
        "pair",
        "reported_by_country",
        "unreported_by_country",
        "known_from",
        "ordering",
        "submit",
    ]
    page.get_by_label("Search").fill("trade")
    page.get_by_label("Search").press("Enter")
    page.wait_for_url("**q=trade*")
    # Focus is visible: an outline appears on the focused control.
    page.get_by_label("Kind").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


@pytest.mark.parametrize("width", [390, 1280])
def test_it_fits_phones_and_desktops_without_horizontal_scrolling(width, page, corpus):
    page.set_viewport_size({"width": width, "height": 900})
    two = next(m for m in Meeting.objects.all() if m.readouts.count() >= 2)
    for url in [
        "/",
        "/meetings/",
        "/participants/",
        "/topics/",
        "/statements/?q=trade",
        two.get_absolute_url(),
        "/participants/wang-yi/",
        "/topics/ukraine-issue/",
    ]:
        page.goto(url)
        assert no_horizontal_scroll(page), (width, url)


def test_it_takes_the_screenshots_of_the_main_pages(page, corpus):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    two = next(m for m in Meeting.objects.order_by("slug") if m.readouts.count() >= 2)
    busiest = (
        Meeting.objects.values_list("attendances__participant__slug", flat=True)
        .order_by("attendances__participant__slug")
        .first()
    )
    shots = {
        "home.png": "/",
        "meetings.png": "/meetings/?kind=phone_call",
        "meeting-two-readouts.png": two.get_absolute_url(),
        "participant.png": f"/participants/{busiest}/",
    }
    for name, url in shots.items():
        page.goto(url)
        page.screenshot(path=SCREENSHOTS / name, full_page=True)
        assert (SCREENSHOTS / name).stat().st_size > 10_000
    sign_in(page)
    page.goto(f"/admin/readouts/meeting/{Meeting.objects.get(slug__startswith='2022').pk}/change/")
    page.screenshot(path=SCREENSHOTS / "admin-meeting.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/meetings/")
    page.screenshot(path=SCREENSHOTS / "meetings-phone.png")


def test_an_analyst_imports_a_readout_from_text_and_corrects_it_with_autocomplete(page):
    load([SEED])
    sign_in(page)
    text = (PROJECT / "tests" / "data" / "importer" / "readouts").glob(
        "2021-04-21-readout-of-president-joseph-r-biden-jr-call-with-prime-minister-justin-*.md"
    )
    page.goto("/admin/readouts/meeting/")
    page.get_by_role("link", name="Import readout from text").click()
    page.get_by_label("Readout text").fill(next(text).read_text(encoding="utf-8"))
    page.get_by_role("button", name="Draft the record").click()
    page.get_by_role("heading", name="Review the draft").wait_for()

    # Nobody is recorded yet: both are proposed as new people, whom the analyst can
    # instead match to a recorded participant through autocomplete.
    assert page.locator("#id_people-1-name").input_value() == "Justin Trudeau"
    assert page.locator("#id_people-1-country").input_value() == "CA"
    choose(page, "id_people-0-existing", "Lavrov", "Sergey Lavrov")
    page.locator("#id_people-0-title").fill("Foreign Minister")
    # The speakers follow: a statement's speaker is a participant's row, listed by name.
    speaker = page.locator("#id_statements-0-speaker option:checked")
    assert "Sergey Lavrov" in speaker.inner_text()
    choose(page, "id_statements-1-topics", "Ukraine", "Ukraine issue")
    # The White House is not recorded yet, so the draft cannot tell who published it: the
    # analyst gives it as a new publisher.
    assert "the publisher could not be told from the text" in page.content()
    page.get_by_text("A publisher not recorded yet").click()  # folded away until asked for
    page.locator("#id_publisher_slug").fill("white-house")
    page.locator("#id_publisher_name").fill("The White House")
    page.locator("#id_slug").fill("2021-04-21-sergey-lavrov-justin-trudeau")
    page.get_by_role("button", name="Save the record").click()
    page.wait_for_url(re.compile(r"/admin/readouts/meeting/\d+/change/"))
    assert page.get_by_text("Imported").is_visible()

    meeting = Meeting.objects.get(slug="2021-04-21-sergey-lavrov-justin-trudeau")
    assert [a.participant.slug for a in meeting.attendances.all()] == [
        "sergey-lavrov",
        "justin-trudeau",
    ]
    statements = list(meeting.readouts.get().statements.order_by("sequence"))
    assert [s.speaker.slug if s.speaker else None for s in statements] == [
        "sergey-lavrov",
        None,
        "sergey-lavrov",
    ]
    assert list(statements[1].topics.values_list("slug", flat=True)) == ["ukraine-issue"]
    assert meeting.readouts.get().publisher.name == "The White House"


def test_an_analyst_sees_a_drafts_warnings_at_their_fields_fixes_them_and_saves(page):
    load([SEED, PROJECT / "tests" / "data" / "importer" / "known-participants.json"])
    sign_in(page)
    # Written for this test, after a White House readout of 2022-09-27: the opening, which
    # only says who met whom, runs into the Vice President's first statement.
    text = PROJECT / "tests" / "data" / "warnings" / "written-for-tests-harris-albanese.md"
    page.goto("/admin/readouts/meeting/import-text/")
    page.get_by_label("Readout text").fill(text.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Draft the record").click()
    page.get_by_role("heading", name="Review the draft").wait_for()

    # At 1280 px nothing scrolls sideways, and each card shows its parts side by side.
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    for part in (
        "#id_statements-0-speaker",
        "#id_statements-0-topics + .select2",
        "#id_statements-0-DELETE",
    ):
        box = page.locator(part).bounding_box()
        assert box and box["x"] + box["width"] <= 1280, part
    assert page.locator("#id_statements-0-speaker option:checked").inner_text() == "Kamala Harris"
    assert not page.locator("#id_publisher_slug").is_visible()  # folded away
    # Participants come before statements.
    assert (
        page.locator("#participant-1").bounding_box()["y"]
        < page.locator("#statement-1").bounding_box()["y"]
    )

    # The warning: on top, and at the field it is about.
    assert page.locator(".draft-warnings").get_by_text("1 warning").is_visible()
    warning = page.locator("#id_statements-0-text_warning_1")
    assert "only says who met whom" in warning.inner_text()
    page.screenshot(path=SCREENSHOTS / "admin-import-review.png", full_page=True)

    # The analyst fixes it: the statement keeps what the Vice President said, not the opening.
    said = "The Vice President underscored the strength of the U.S.-Australia Alliance."
    page.locator("#id_statements-0-text").fill(said)
    page.get_by_role("button", name="Save the record").click()
    page.wait_for_url(re.compile(r"/admin/readouts/meeting/\d+/change/"))
    assert page.get_by_text("Imported").is_visible()
    assert not page.get_by_text("with a warning").count()

    meeting = Meeting.objects.get(slug="2022-09-27-anthony-albanese-kamala-harris")
    assert meeting.location == "Tokyo, Japan"
    first = meeting.readouts.get().statements.get(sequence=1)
    assert (first.speaker.slug, first.text) == ("kamala-harris", said)
    page.goto(meeting.get_absolute_url())
    assert page.locator("article.statement").get_by_text(said).is_visible()


def test_an_analyst_adds_a_second_governments_readout_and_compares_the_two(page):
    # The founding readout (China's account, real) and a Russian account of the same call
    # written for the tests (tests/data/matching/README.md).
    load([SEED, PROJECT / "fixtures" / "005-publishers.json"])
    from readouts.models import Publisher

    Publisher.objects.create(
        slug="mfa-russia",
        name="Ministry of Foreign Affairs of the Russian Federation",
        country="RU",
        website="https://mid.ru/en/",
        time_zone="Europe/Moscow",
    )
    sign_in(page)
    text = PROJECT / "tests" / "data" / "matching" / "written-for-tests-mfa-russia-2022-10-27.md"
    page.goto("/admin/readouts/meeting/import-text/")
    page.get_by_label("Readout text").fill(text.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Draft the record").click()
    page.get_by_text("Another readout of a recorded meeting").wait_for()
    assert page.locator("#id_join").input_value() == "2022-10-27-wang-yi-sergey-lavrov"
    page.get_by_role("button", name="Save the record").click()
    page.wait_for_url(re.compile(r"/admin/readouts/meeting/\d+/change/"))
    assert page.get_by_text("Added the readout to the recorded meeting").is_visible()

    page.goto("/meetings/2022-10-27-wang-yi-sergey-lavrov/")
    assert page.get_by_role("heading", name="2 readouts, side by side").is_visible()
    page.get_by_role("link", name="topic", exact=True).click()
    page.wait_for_url("**?align=topic*")
    assert page.locator("table.aligned th", has_text="Ukraine").first.is_visible()
    page.get_by_role("link", name="China and Russia").click()
    page.wait_for_url("**/pairs/CN/RU/")
    assert page.locator("tr", has_text="Both governments").locator("td").inner_text() == "1"
    assert no_horizontal_scroll(page)


def test_a_reader_tries_the_api_in_swagger_ui_and_follows_a_feed(page):
    # Under the site's content security policy (the page fixture fails the test on anything
    # it blocks): Swagger UI's files come from the site itself.
    load([SEED])
    page.goto("/api/docs/")
    operation = page.locator("#operations-meetings-meetings_list")
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    operation.locator('input[placeholder="participant"]').fill("Sergey Lavrov")
    page.get_by_role("button", name="Execute").click()
    body = operation.locator(".responses-wrapper .live-responses-table .microlight").first
    body.wait_for()
    assert '"slug": "2022-10-27-wang-yi-sergey-lavrov"' in body.inner_text()

    # The meetings page of a pair links its feed, which a feed reader would fetch.
    page.goto("/meetings/?pair=CN,RU")
    alternate = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert alternate.get_attribute("href") == "/meetings/feed.atom?pair=CN%2CRU"
    link = page.get_by_role("link", name="Follow new meetings chosen by this filter (Atom feed)")
    feed = page.request.get(link.get_attribute("href"))
    assert feed.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert "<title>Wang Yi Speaks with Russian Foreign Minister" in feed.text()
    page.goto(link.get_attribute("href"))
    assert "2022-10-27-wang-yi-sergey-lavrov" in page.content()
