"""The web directory in a real browser (Debian's Chromium driven by Playwright; no
browser download), on both engines: sign in with a password and TOTP code and through
an OpenID Connect provider, find a child by a misspelt name, who else, the meeting map,
an involvement ended with a handover, the IG report; the refused paths; axe-core finds
no WCAG 2.2 AA violation on the main pages. Screenshots go to out/screenshots/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tacgraph import accounts
from tacgraph.store import Store
from tacgraph.web.settings import OidcSettings
from web_helpers import PASSWORD, Site

playwright_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).parents[1] / "out" / "screenshots"
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Live:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(site.app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Live:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/chromium")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def live(store: Store) -> Iterator[Live]:
    with Live(Site(store)) as running:
        yield running


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    opened = context.new_page()
    yield opened
    context.close()


def _shot(page: Any, name: str, engine: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{engine}.png"), full_page=False)


def _accessible(page: Any) -> None:
    # A click does not wait for the page it opens: axe run while the next document
    # is still loading finds no document at all.
    page.wait_for_load_state()
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def _sign_in(page: Any, live: Live, account: str, password: str = PASSWORD) -> None:
    page.goto(live.url + "/sign-in")
    page.get_by_label("Account name").fill(account)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Security code").fill(live.site.code(account))
    page.get_by_role("button", name="Sign in").click()


def _open_sally(page: Any, live: Live, account: str) -> None:
    """Signed in as ``account``, find Sally Carter by name and open her page."""
    _sign_in(page, live, account)
    page.get_by_label("Name", exact=True).fill("Sally Carter")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="View Sally Carter, 1").click()


def test_password_totp_search_who_else_and_meeting_map(live: Live, page: Any) -> None:
    engine = live.site.store.engine
    page.goto(live.url + "/")
    assert page.url.endswith("/sign-in")
    _accessible(page)
    _shot(page, "sign-in", engine)
    _sign_in(page, live, "hoy")
    assert page.url.endswith("/search")
    page.get_by_label("Name", exact=True).fill("Saly Cartr")
    page.get_by_role("button", name="Search").click()
    assert "/search" in page.url and "Saly" not in page.url
    page.get_by_text("Sally Carter").first.wait_for()
    _accessible(page)
    page.locator("#results").scroll_into_view_if_needed()
    _shot(page, "search-results", engine)
    page.get_by_role("button", name="View Sally Carter, 1").click()
    page.get_by_role("heading", name="Sally Carter").wait_for()
    assert page.url.endswith("/child")
    page.get_by_text("Why you see what you see").click()
    page.get_by_text("can always be asked without consent").first.wait_for()
    _accessible(page)
    _shot(page, "who-else", engine)
    page.get_by_role("button", name="Open the history").click()
    page.get_by_role("heading", name="Handovers shared with you").wait_for()
    _accessible(page)
    _shot(page, "history", engine)
    page.get_by_role("button", name="Back to Sally Carter").click()
    page.get_by_role("button", name="Open the meeting view").click()
    page.get_by_role("heading", name="The team around Sally Carter").wait_for()
    assert "01632" not in page.content()
    _accessible(page)
    _shot(page, "meeting-view", engine)


def test_record_and_end_an_involvement_with_a_handover(live: Live, page: Any) -> None:
    engine = live.site.store.engine
    _open_sally(page, live, "gp")
    # Not yet involved and no reason given: asked why first, as a question page.
    page.get_by_role("heading", name="Why are you looking at this child?").wait_for()
    _accessible(page)
    _shot(page, "purpose", engine)
    page.get_by_label("Why are you looking at this child?").fill("registering with the practice")
    page.get_by_role("button", name="Continue").click()
    # An enquiry: known, whom to contact, and why no one else is shown.
    said = page.get_by_text("Nothing more can be shown to you: you are not involved")
    said.wait_for()
    said.scroll_into_view_if_needed()
    _accessible(page)
    _shot(page, "enquiry", engine)
    page.get_by_label("Universal").check()
    page.get_by_role("button", name="Record my involvement").click()
    page.get_by_text("Your involvement is recorded").wait_for()
    page.get_by_role("link", name="My case list").first.click()
    page.get_by_role("heading", name="My case list").wait_for()
    _accessible(page)
    _shot(page, "case-list", engine)
    page.get_by_role("button", name="End work with Sally Carter").click()
    page.get_by_label("What you did").fill("Health checks and advice")
    page.get_by_label("Outcomes").fill("Attending appointments")
    page.get_by_label("Needs that remain").fill("none")
    _accessible(page)
    _shot(page, "end-with-handover", engine)
    page.get_by_role("button", name="End and share the handover").click()
    page.get_by_text("Handover shared").wait_for()
    _accessible(page)


def test_the_last_one_working_with_a_child_confirms_before_ending(live: Live, page: Any) -> None:
    """The midwife, the only practitioner working with Sally's unborn baby, is told
    that ending her work leaves the baby with no one, and confirms it."""
    engine = live.site.store.engine
    _sign_in(page, live, "grace")
    page.get_by_role("link", name="My case list").first.click()
    page.get_by_role("heading", name="My case list").wait_for()
    page.get_by_role("button", name="End work with Carter (unborn)").click()
    page.get_by_label("What you did").fill("Antenatal care")
    page.get_by_label("Outcomes").fill("Healthy pregnancy")
    page.get_by_label("Needs that remain").fill("Housing")
    page.get_by_role("button", name="End and share the handover").click()
    page.get_by_text("No one else is working with Carter (unborn) now").wait_for()
    _accessible(page)
    _shot(page, "end-no-one-left", engine)
    page.get_by_role("button", name="End my work").click()
    page.get_by_text("There is a problem").wait_for()
    _accessible(page)
    page.get_by_label("I understand that no one will be working with Carter (unborn)").check()
    page.get_by_role("button", name="End my work").click()
    page.get_by_text("Summary kept on the record").wait_for()
    _accessible(page)
    _shot(page, "ended-no-one-left", engine)


def test_record_a_statutory_basis_through_its_form(live: Live, page: Any) -> None:
    """The form offers every ground, agency and scope, and what is chosen is recorded
    (its agency list once offered nothing to choose)."""
    engine = live.site.store.engine
    _open_sally(page, live, "hoy")
    page.get_by_role("button", name="Record a statutory basis").click()
    page.get_by_role("heading", name="Record a statutory basis for sharing").wait_for()
    page.get_by_label("Significant harm", exact=False).first.check()
    page.get_by_label("Reason").fill("Disclosure at school today")
    page.get_by_label("Who needs to see it").select_option(label="Elm Road Primary School")
    page.get_by_label("Involvement", exact=True).check()
    _accessible(page)
    _shot(page, "statutory-basis", engine)
    page.get_by_role("button", name="Record and share now").click()
    page.get_by_text("Statutory basis recorded").wait_for()
    _accessible(page)


def test_accounts_page_issues_a_new_security_code_secret(live: Live, page: Any) -> None:
    engine = live.site.store.engine
    _sign_in(page, live, "admin")
    page.goto(live.url + "/accounts")
    page.get_by_role("heading", name="Accounts", exact=True).wait_for()
    _accessible(page)
    _shot(page, "accounts", engine)
    page.get_by_role("button", name="New security code for hoy").click()
    page.get_by_text("Account hoy has a new security-code secret").wait_for()
    assert page.locator("#totp-secret").inner_text() != live.site.secrets["hoy"]
    _accessible(page)
    _shot(page, "accounts-new-secret", engine)


def test_ig_report_and_verify(live: Live, page: Any) -> None:
    engine = live.site.store.engine
    _sign_in(page, live, "ig")
    page.goto(live.url + "/governance")
    page.get_by_role("heading", name="Access report").wait_for()
    page.get_by_role("button", name="Verify the access log").click()
    page.get_by_text("The access log is intact").wait_for()
    _accessible(page)
    _shot(page, "access-report", engine)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    assert download.value.suggested_filename == "access-report.csv"
    page.get_by_label("Child id").fill("CH-SALY")  # a mistyped id is said, not a clean page
    page.get_by_role("button", name="Filter").click()
    page.get_by_text("No child CH-SALY is held in the store").wait_for()
    _accessible(page)
    _shot(page, "access-report-not-held", engine)


def test_refused_paths(live: Live, page: Any) -> None:
    site = live.site
    page.goto(live.url + "/governance")  # no session
    assert page.url.endswith("/sign-in")
    _sign_in(page, live, "hoy")
    for path in ("/governance", "/accounts"):  # a directory user
        page.goto(live.url + path)
        page.get_by_role("heading", name="You cannot open this page").wait_for()
    _accessible(page)
    # A mistyped address.
    page.goto(live.url + "/serach")
    page.get_by_role("heading", name="Page not found").wait_for()
    _accessible(page)
    _shot(page, "page-not-found", site.store.engine)
    # A form without its CSRF token.
    page.goto(live.url + "/search")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    page.get_by_label("Name", exact=True).fill("Sally")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="This form has expired").wait_for()
    # An expired session.
    site.clock.step(minutes=16)
    page.goto(live.url + "/search")
    page.get_by_text("Your session ended").wait_for()
    # A suspended account.
    accounts.set_state(site.store, "hoy", "suspended", clock=site.clock)
    _sign_in(page, live, "hoy")
    page.get_by_text("There is a problem").wait_for()
    assert page.url.endswith("/sign-in")
    # A locked-out account.
    for _ in range(accounts.MAX_FAILURES):
        _sign_in(page, live, "gp", password="not the password at all")
    _sign_in(page, live, "gp")
    page.get_by_text("There is a problem").wait_for()
    _accessible(page)
    _shot(page, "refused-sign-in", site.store.engine)


def test_sign_in_through_openid_connect(store: Store, browser: Any) -> None:
    oidc_mock = pytest.importorskip("oidc_provider_mock")
    with oidc_mock.run_server_in_thread() as provider:
        issuer = f"http://localhost:{provider.server_port}"
        site = Site(
            store, oidc=OidcSettings(issuer=issuer, client_id="tacgraph", client_secret="s")
        )
        accounts.create(
            site.store, "sso.hoy", "PR-HOY", ["directory_user"], oidc_subject="hoy@council.example"
        )
        with Live(site) as running:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            page = context.new_page()
            page.goto(running.url + "/sign-in")
            page.get_by_role("link", name="Sign in with").click()
            page.locator("input[name=sub]").fill("hoy@council.example")
            page.get_by_role("button", name="Authorize").click()
            page.wait_for_url(running.url + "/search")
            page.get_by_text("Signed in as Helen Okafor").wait_for()
            context.close()
