"""What each signed-in request reads and sends, on both engines: the account in one
statement (suspension still refused at the next request), the child's page reading only
that child's involvements, and the idle clock moved at most once a minute."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import _open
from tacgraph import accounts, audit
from tacgraph.config import StoreConfig
from tacgraph.store import Store
from tacgraph.web.app import create_app
from tacgraph.web.sessions import COOKIE, Session
from tacgraph.web.settings import WebSettings
from web_helpers import Client, Site


@pytest.fixture
def site(store: Store) -> Site:
    return Site(store)


def _counted(monkeypatch: pytest.MonkeyPatch, store: Store) -> Counter[str]:
    """The named queries ``store`` runs from now on, by name."""
    ran: Counter[str] = Counter()
    query = store.query

    def counting(name: str, params: Mapping[str, Any] | None = None) -> Any:
        ran[name] += 1
        return query(name, params)

    monkeypatch.setattr(store, "query", counting)
    return ran


def _signed_in(site: Site, account_id: str = "hoy") -> Client:
    c = site.client()
    assert c.sign_in(account_id).status_code == 303
    return c


def test_a_request_reads_its_account_and_practitioner_in_one_statement(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = _signed_in(site)
    ran = _counted(monkeypatch, site.store)
    page = c.get("/search")
    assert page.status_code == 200 and "Find a child" in page.text
    assert {n: k for n, k in ran.items() if n.startswith("account_")} == {"account_user": 1}


def test_suspension_refuses_the_very_next_request(site: Site) -> None:
    c = _signed_in(site)
    assert c.get("/search").status_code == 200
    accounts.set_state(site.store, "hoy", "suspended", clock=site.clock)
    assert c.get("/search").headers["location"] == "/sign-in"
    api = c.http.post(
        "/api/who-else", json={"child_id": "CH-SALLY"}, headers={"X-CSRF-Token": c.csrf}
    )
    assert api.status_code == 401


def test_a_session_naming_another_practitioner_is_refused(site: Site) -> None:
    c = _signed_in(site)
    sessions = site.app.state.sessions
    now = site.clock().isoformat()
    account = accounts.get(site.store, "hoy")
    assert account is not None
    forged = Session(
        account_id="hoy",
        practitioner_id="PR-SOCIAL-WORKER",
        epoch=account.session_epoch,
        started=now,
        seen=now,
    )
    # In place of the real cookie, not beside it: sent both, the server reads the last.
    c.http.cookies.clear()
    c.http.cookies.set(COOKIE, sessions.dump(forged))
    assert c.get("/search").headers["location"] == "/sign-in"


def test_the_child_page_reads_only_that_childs_involvements(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = _signed_in(site)
    ran = _counted(monkeypatch, site.store)
    page = c.post("/child", {"child_id": "CH-SALLY"})
    assert page.status_code == 200
    assert "You are recorded as working with this child" in page.text
    assert ran["casework_mine"] == 0 and ran["casework_mine_child"] == 1
    enquirer = _signed_in(site, "uninvolved")
    asked = enquirer.post("/child", {"child_id": "CH-SALLY", "purpose": "a referral"})
    assert asked.status_code == 200
    assert "You are recorded as working with this child" not in asked.text


def test_the_idle_clock_moves_at_most_once_a_minute(site: Site) -> None:
    c = _signed_in(site)
    site.clock.step(seconds=61)
    moved = c.get("/search")
    assert COOKIE in moved.headers.get("set-cookie", "")  # the idle clock moved
    site.clock.step(seconds=30)
    kept = c.get("/search")
    assert kept.status_code == 200 and "set-cookie" not in kept.headers
    # Idle counts from the request that moved the clock, 30 s before the last one.
    site.clock.step(minutes=14, seconds=29)
    assert c.get("/search").status_code == 200  # 14 min 59 s after the move
    site.clock.step(minutes=15, seconds=1)
    assert c.get("/search").headers["location"] == "/sign-in"


def test_a_session_ends_within_fifteen_minutes_of_its_last_request(site: Site) -> None:
    c = _signed_in(site)
    site.clock.step(seconds=61)
    c.get("/search")  # moves the idle clock
    site.clock.step(seconds=50)
    c.get("/search")  # within the minute: does not
    site.clock.step(minutes=14, seconds=20)  # 14 min 20 s idle, 15 min 10 s since the move
    ended = c.get("/search")
    assert ended.headers["location"] == "/sign-in"
    assert "Your session ended" in c.get("/sign-in").text


def test_signing_in_and_out_always_sends_the_cookie(site: Site) -> None:
    c = site.client()
    first = c.get("/sign-in")
    assert COOKIE in first.headers.get("set-cookie", "")  # a new session's CSRF token
    c.sign_in("hoy")
    out = c.post("/sign-out")
    assert COOKIE in out.headers.get("set-cookie", "")
    assert c.get("/search").headers["location"] == "/sign-in"


def test_the_navigation_shows_the_pages_of_the_accounts_roles(site: Site) -> None:
    hoy = _signed_in(site)
    search = hoy.get("/search").text
    cases = hoy.get("/cases").text
    for text in (search, cases):
        assert 'href="/search"' in text and 'href="/cases"' in text
        assert 'href="/governance"' not in text and 'href="/accounts"' not in text
    current = re.compile(r'<a class="govuk-service-navigation__link" href="(/\w+)" aria-current')
    assert current.findall(search) == ["/search"] and current.findall(cases) == ["/cases"]
    ig = _signed_in(site, "ig")
    report = ig.get("/governance").text
    assert 'href="/governance"' in report and 'href="/search"' not in report


def test_the_health_check_needs_no_sign_in_and_keeps_no_session(site: Site) -> None:
    """A load balancer's probe: "ok" while the store answers, with no cookie to keep,
    and nothing written to the access log."""
    before = len(list(audit.entries(site.store)))
    probe = site.client().get("/health")
    assert probe.status_code == 200 and probe.json() == {"status": "ok"}
    assert "set-cookie" not in probe.headers
    assert probe.headers["cache-control"] == "no-store"
    assert len(list(audit.entries(site.store))) == before
    assert "/health" not in site.client().http.get("/openapi.json").json()["paths"]


def test_the_health_check_says_unavailable_when_the_store_does_not_answer(
    store: Store, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    lost = _open(store.engine, tmp_path, request)  # a second handle, then lost
    app = create_app(WebSettings(store=StoreConfig.from_env()), store=lost)
    lost.close()
    probe = TestClient(app, base_url="http://127.0.0.1").get("/health")
    assert probe.status_code == 503 and probe.json() == {"status": "unavailable"}
