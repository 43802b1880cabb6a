"""The web directory through its HTTP interface, on both engines: who may do what, the
same gate and the same access log as the library, and the refused paths."""

from __future__ import annotations

import csv
import io
import logging
import re

import pytest

from tacgraph import accounts, audit, casework, lookup
from tacgraph.store import Store
from web_helpers import PASSWORD, Site


@pytest.fixture
def site(store: Store) -> Site:
    return Site(store)


def _log(site: Site) -> list[audit.AuditEntry]:
    return list(audit.entries(site.store))


def test_sign_in_search_and_who_else_as_the_library_decides(site: Site) -> None:
    c = site.client()
    assert c.sign_in("hoy").headers["location"] == "/search"
    found = c.post("/search", {"name": "Sarah Cartr"})
    assert found.status_code == 200 and "Sally Carter" in found.text
    before = len(_log(site))
    page = c.post("/child", {"child_id": "CH-SALLY", "requester_id": "PR-SOCIAL-WORKER"})
    assert page.status_code == 200
    entry = _log(site)[-1]
    assert len(_log(site)) == before + 1
    # The requester is the signed-in account's practitioner, whatever the form says.
    assert (entry.requester_id, entry.child_id, entry.outcome) == (
        "PR-HOY",
        "CH-SALLY",
        "disclosed",
    )
    same = lookup.who_else(site.store, "CH-SALLY", "PR-HOY", explain=True, clock=site.clock)
    assert sorted(entry.disclosed) == sorted(_log(site)[-1].disclosed)
    for view in same.involved:
        assert view.practitioner in page.text
    assert "Why you see what you see" in page.text
    assert "can always be asked without consent" in page.text  # explanations as sentences
    assert "CAF open" in page.text
    if same.lead is not None:
        assert same.lead.name in page.text


def test_an_enquirer_without_involvement_sees_known_and_whom_to_contact(site: Site) -> None:
    c = site.client()
    c.sign_in("uninvolved")
    # Not involved: asked why first (a question page), then answered with the reason.
    asked = c.post("/child", {"child_id": "CH-SALLY"})
    assert asked.status_code == 400 and "Why are you looking at this child?" in asked.text
    assert "Sally" not in asked.text
    why = "asked by the school whether she is known"
    page = c.post("/child", {"child_id": "CH-SALLY", "purpose": why})
    result = lookup.who_else(site.store, "CH-SALLY", "PR-UNINVOLVED", purpose=why, clock=site.clock)
    assert page.status_code == 200
    assert result.enquiry_only and result.involved == []
    said = " ".join(page.text.split())
    assert (
        "This child is known. Nothing more can be shown to you: you are not involved, and "
        "hold no consent or statutory basis." in said
    )
    assert "No practitioner is shown" not in said
    # The lead is whom to contact: one row, not the same person twice.
    assert said.count("Helen Okafor, head of year") == 1
    assert "Lead professional and whom to contact" in said
    # A shielded child: the front door, and why.
    robin = " ".join(c.post("/child", {"child_id": "CH-ROBIN", "purpose": why}).text.split())
    assert "(ask for the CAF co-ordinator) (the child is shielded: ask the front door)" in robin
    assert (result.lead.name if result.lead else result.contact.name) in page.text
    for hidden in ("01632 960", "Piccadilly"):
        if hidden not in result.model_dump_json():
            assert hidden not in page.text


def test_a_child_with_no_one_shown_is_not_an_enquiry(site: Site) -> None:
    # The Hope Project may see Robin's file, and no one's current work with him: the page
    # says so, and does not send the reader to ask whether he is known.
    made = accounts.create(
        site.store, "hope", "PR-HOPE", ["directory_user"], password=PASSWORD, clock=site.clock
    )
    site.secrets["hope"] = made.totp_secret
    c = site.client()
    c.sign_in("hope")
    why = "planning a family session"
    page = c.post("/child", {"child_id": "CH-ROBIN", "purpose": why})
    result = lookup.who_else(site.store, "CH-ROBIN", "PR-HOPE", purpose=why, clock=site.clock)
    assert page.status_code == 200
    assert not result.enquiry_only and result.involved == [] and result.withheld == 3
    said = " ".join(page.text.split())
    assert "No practitioner is shown to you as working with Robin now." in said
    assert "3 more involvements are not shown to you without consent." in said
    assert "This child is known" not in said


def test_every_page_has_csp_no_store_and_safe_cookies(store: Store) -> None:
    site = Site(store, secure=True)
    c = site.client()
    for response in (
        c.get("/sign-in"),
        c.sign_in("hoy"),
        c.get("/search"),
        c.post("/search", {"name": "Sally"}),
    ):
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_a_wrong_address_or_an_unreadable_form_is_a_page_and_the_api_answers_json(
    site: Site,
) -> None:
    """A mistyped address, a bookmarked child's page (it opens only by POST) and a form
    without its field each get a page in the service's style, with its headers, where
    they got FastAPI's JSON; the API keeps JSON."""
    c = site.client()
    for signed_in in (False, True):
        if signed_in:
            c.sign_in("hoy")
        for response, status, heading in (
            (c.get("/no-such-page"), 404, "Page not found"),
            (c.get("/child"), 405, "Page not found"),
        ):
            assert response.status_code == status, response.text
            assert response.headers["content-type"].startswith("text/html")
            assert f'<h1 class="govuk-heading-l">{heading}</h1>' in response.text
            assert "default-src 'self'" in response.headers["content-security-policy"]
            assert response.headers["cache-control"] == "no-store"
            # Who is signed in, and the way out, as on every other page.
            shown = "Signed in as Helen Okafor" in response.text
            assert shown == signed_in and ('action="/sign-out"' in response.text) == signed_in
    assert c.get("/child").headers["allow"] == "POST"
    unread = c.post("/child", {})
    assert unread.status_code == 422 and "nothing was saved" in unread.text
    assert unread.headers["content-type"].startswith("text/html")
    api = c.http.get("/api/no-such-thing")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    api = c.http.post("/api/who-else", json={}, headers={"x-csrf-token": c.csrf})
    assert api.status_code == 422 and api.json()["detail"][0]["loc"][-1] == "child_id"


def test_no_child_data_in_urls_or_logs(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    c = site.client()
    c.sign_in("hoy")
    page = c.post("/search", {"name": "Sally Carter", "postcode": "WV10 6QT"})
    actions = re.findall(r'(?:action|href)="([^"]+)"', page.text)
    assert actions and not [a for a in actions if "CH-" in a or "Sally" in a or "WV10" in a]
    c.post("/child", {"child_id": "CH-SALLY"})
    # A search in the query string is not a search.
    assert "Sally Carter" not in c.get("/search?name=Sally+Carter").text
    server = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "Sally" not in server and "CH-SALLY" not in server and "WV10" not in server


def test_no_session_is_refused(site: Site) -> None:
    c = site.client()
    c.get("/sign-in")
    for path in ("/search", "/cases", "/governance", "/accounts"):
        assert c.get(path).headers["location"] == "/sign-in"
    assert c.post("/child", {"child_id": "CH-SALLY"}).headers["location"] == "/sign-in"
    api = c.http.post(
        "/api/who-else", json={"child_id": "CH-SALLY"}, headers={"x-csrf-token": c.csrf}
    )
    assert api.status_code == 401
    assert not [e for e in _log(site) if e.child_id == "CH-SALLY"]


def test_idle_and_absolute_expiry(site: Site) -> None:
    c = site.client()
    c.sign_in("hoy")
    site.clock.step(minutes=16)
    assert c.get("/search").headers["location"] == "/sign-in"
    assert "Your session ended" in c.get("/sign-in").text
    c.sign_in("hoy")
    for _ in range(8 * 6 + 1):  # busy all day: a request every ten minutes
        site.clock.step(minutes=10)
        response = c.get("/search")
    assert response.headers["location"] == "/sign-in"


def test_missing_or_wrong_csrf_token_writes_nothing(site: Site) -> None:
    c = site.client()
    c.sign_in("hoy")
    before = len(_log(site))
    for token in (None, "forged"):
        data = {"child_id": "CH-SALLY", "level": "universal"}
        if token:
            data["csrf_token"] = token
        refused = c.post("/child/involvement", data, csrf=False)
        assert refused.status_code == 403 and "This form has expired" in refused.text
    assert len(_log(site)) == before
    api = c.http.post("/api/who-else", json={"child_id": "CH-SALLY"})
    assert api.status_code == 403


def test_roles_guard_the_ig_and_admin_pages(site: Site) -> None:
    c = site.client()
    c.sign_in("hoy")
    assert c.get("/governance").status_code == 403
    assert c.get("/accounts").status_code == 403
    ig = site.client()
    ig.sign_in("ig")
    assert ig.get("/governance").status_code == 200
    assert ig.get("/search").status_code == 403  # an IG officer does not look children up
    assert ig.get("/accounts").status_code == 403


def test_ig_report_csv_and_verify(site: Site) -> None:
    hoy = site.client()
    hoy.sign_in("hoy")
    hoy.post("/child", {"child_id": "CH-SALLY"})
    # A purpose a spreadsheet would run as a formula is downloaded as text.
    planted = '=HYPERLINK("http://evil.example","open")'
    enquirer = site.client()
    enquirer.sign_in("uninvolved")
    enquirer.post("/child", {"child_id": "CH-SALLY", "purpose": planted})
    ig = site.client()
    ig.sign_in("ig")
    planted_csv = ig.post("/governance/access.csv", {"practitioner": "PR-UNINVOLVED"})
    purposes = [row["purpose"] for row in csv.DictReader(io.StringIO(planted_csv.text))]
    assert purposes and all(p == "'" + planted for p in purposes if "HYPERLINK" in p)
    assert any("HYPERLINK" in p for p in purposes)
    report = ig.post("/governance", {"practitioner": "PR-HOY"})
    assert report.status_code == 200 and "CH-SALLY" in report.text
    assert "is held in the store" not in report.text
    # An agency's practitioners' lookups, as `audit access --agency` gives them, with
    # the scope said; the CSV is the same filtered report.
    school = ig.post("/governance", {"agency": "AG-NHS-SCHOOL"})
    assert school.status_code == 200 and "Filtered. Agency AG-NHS-SCHOOL: lookups" in school.text
    assert "PR-HOY" in school.text and "PR-UNINVOLVED" not in school.text
    school_csv = ig.post("/governance/access.csv", {"agency": "AG-NHS-SCHOOL"})
    assert {row["requester_id"] for row in csv.DictReader(io.StringIO(school_csv.text))} == {
        "PR-HOY"
    }
    mistyped = ig.post("/governance", {"child": "CH-SALY"})
    assert mistyped.status_code == 200
    assert "No child CH-SALY is held in the store: check the id" in mistyped.text
    download = ig.post("/governance/access.csv", {"practitioner": "PR-HOY"})
    assert download.headers["content-type"].startswith("text/csv")
    lines = download.text.splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["seq", "at", "requester_id"] and "child_id" in header
    assert any("CH-SALLY" in x for x in lines)
    assert "The access log is intact" in ig.post("/governance/verify").text


def test_suspended_account_cannot_sign_in_and_its_session_ends(site: Site) -> None:
    c = site.client()
    c.sign_in("hoy")
    admin = site.client()
    admin.sign_in("admin")
    assert admin.get("/accounts").status_code == 200
    assert (
        admin.post("/accounts/state", {"account_id": "hoy", "action": "suspend"}).status_code == 200
    )
    assert c.get("/search").headers["location"] == "/sign-in"
    assert "Signed in as" not in c.get("/no-such-page").text  # a suspended session is no one
    assert c.sign_in("hoy").status_code == 400
    outcomes = [(e.requester_id, e.outcome) for e in _log(site)]
    assert ("PR-TEAM-MANAGER", "account_suspended") in outcomes


def test_locked_out_account(site: Site) -> None:
    c = site.client()
    for _ in range(5):
        assert c.sign_in("hoy", password="not the right password").status_code == 400
    refused = c.sign_in("hoy")
    assert refused.status_code == 400 and "locked" in refused.text


def test_record_and_end_an_involvement_with_a_handover(site: Site) -> None:
    c = site.client()
    c.sign_in("gp")
    recorded = c.post("/child/involvement", {"child_id": "CH-SALLY", "level": "universal"})
    assert "Your involvement is recorded" in recorded.text
    cases = c.get("/cases")
    involvement = re.search(r'name="involvement_id" value="(INV-W[0-9A-F]+)"', cases.text)
    assert involvement
    form = c.post(
        "/cases/end", {"involvement_id": involvement.group(1), "child_name": "Sally Carter"}
    )
    assert "No agency stops working with a child without a handover" in form.text
    missing = c.post(
        "/cases/end/confirm", {"involvement_id": involvement.group(1), "work_done": "x"}
    )
    assert missing.status_code == 400 and "There is a problem" in missing.text
    done = c.post(
        "/cases/end/confirm",
        {
            "involvement_id": involvement.group(1),
            "work_done": "Check-ups",
            "outcomes": "Well",
            "unmet_needs": "none",
            "child_name": "Sally Carter",
        },
    )
    assert done.status_code == 200 and "Handover shared" in done.text
    assert "Team Around the Child" in done.text


def test_the_last_one_working_with_a_child_confirms_before_leaving_it_with_no_one(
    site: Site,
) -> None:
    c = site.client()
    c.sign_in("grace")
    assert "IN-MIDWIFE-BABY" in c.get("/cases").text
    summary = {
        "involvement_id": "IN-MIDWIFE-BABY",
        "child_name": "Baby Carter",
        "work_done": "Antenatal care",
        "outcomes": "Healthy pregnancy",
        "unmet_needs": "Housing",
    }
    asked = c.post("/cases/end/confirm", summary)
    assert asked.status_code == 200
    assert "No one else is working with Baby Carter now" in asked.text
    assert 'name="no_one_left"' in asked.text and "front door" in asked.text
    assert ">Housing</textarea>" in asked.text  # what was typed is kept
    still = {i.involvement_id: i for i in casework.my_involvements(site.store, "PR-MIDWIFE")}
    assert still["IN-MIDWIFE-BABY"].ended_on is None
    again = c.post("/cases/end/confirm", {**summary, "asked": "yes"})
    assert again.status_code == 400 and "Confirm that no one will be working with" in again.text
    done = c.post("/cases/end/confirm", {**summary, "asked": "yes", "no_one_left": "yes"})
    assert done.status_code == 200 and "Summary kept on the record" in done.text
    assert "No one else was working with Baby Carter" in done.text
    assert "kept on the child's record for whoever works with them next" in done.text
    ended = {i.involvement_id: i for i in casework.my_involvements(site.store, "PR-MIDWIFE")}
    assert ended["IN-MIDWIFE-BABY"].ended_on == site.clock().date()


def test_the_history_page_shows_what_a_handover_shared_with_you_says(site: Site) -> None:
    """The social worker's handover went to Helen Okafor: her history page of Sally
    reads it, through the timeline's gate and entry; an enquirer's does not."""
    c = site.client()
    c.sign_in("hoy")
    page = c.post("/child/history", {"child_id": "CH-SALLY"})
    assert page.status_code == 200 and "Handovers shared with you" in page.text
    assert "Parenting preparation; support after the birth" in page.text
    assert "What was done" in page.text and "Needs that remain" in page.text
    assert "Summary of work from Owen Price" in page.text  # codes as words
    entry = _log(site)[-1]
    assert (entry.requester_id, entry.path, entry.channel) == ("PR-HOY", "timeline", "web")
    assert "handover:HO-SOCIAL-WORKER" in entry.disclosed
    other = site.client()
    other.sign_in("uninvolved")
    asked = other.post("/child/history", {"child_id": "CH-SALLY"})
    assert asked.status_code == 400 and "Why are you looking at this child?" in asked.text
    enquiry = other.post("/child/history", {"child_id": "CH-SALLY", "purpose": "asked by a school"})
    assert enquiry.status_code == 200 and "Handovers shared with you" not in enquiry.text
    assert "Parenting preparation" not in enquiry.text
    # The API answers the same, through the same gate.
    api = c.http.post(
        "/api/history", json={"child_id": "CH-SALLY"}, headers={"x-csrf-token": c.csrf}
    )
    (handover,) = [e for e in api.json()["events"] if e["subject_id"] == "HO-SOCIAL-WORKER"]
    assert handover["summary"]["unmet_needs"] == "Parenting preparation; support after the birth"
    assert _log(site)[-1].path == "timeline"


def test_the_api_asks_the_last_one_to_confirm(site: Site) -> None:
    c = site.client()
    c.sign_in("grace")
    body = {
        "involvement_id": "IN-MIDWIFE-BABY",
        "work_done": "Antenatal care",
        "outcomes": "Healthy pregnancy",
        "unmet_needs": "none",
    }
    headers = {"x-csrf-token": c.csrf}
    asked = c.http.post("/api/involvements/end", json=body, headers=headers)
    assert asked.status_code == 409 and "no one" in asked.json()["detail"]
    assert "front door" in asked.json()["hint"]
    done = c.http.post("/api/involvements/end", json={**body, "no_one_left": True}, headers=headers)
    assert done.status_code == 200 and done.json()["kept_on_record"] is True


def test_record_a_statutory_basis(site: Site) -> None:
    c = site.client()
    c.sign_in("hoy")
    form = c.post("/child/basis", {"child_id": "CH-SALLY"})
    assert form.status_code == 200
    # The form offers what it asks for: each ground, every agency, each scope.
    assert 'name="ground" type="radio" value="significant_harm"' in form.text
    assert '<option value="AG-ELM-PRIMARY"' in form.text
    assert 'name="scopes" type="checkbox" value="involvement"' in form.text
    missing = c.post("/child/basis/record", {"child_id": "CH-SALLY", "ground": "significant_harm"})
    assert missing.status_code == 400 and "Enter the reason" in missing.text
    done = c.post(
        "/child/basis/record",
        {
            "child_id": "CH-SALLY",
            "ground": "significant_harm",
            "reason": "Disclosure today",
            "agency_id": "AG-ELM-PRIMARY",
            "scopes": ["involvement"],
        },
    )
    assert done.status_code == 200 and "Statutory basis recorded" in done.text


def test_meeting_view_hides_sensitive_services_and_contact_details(site: Site) -> None:
    c = site.client()
    c.sign_in("hoy")
    full = lookup.who_else(site.store, "CH-SALLY", "PR-HOY", clock=site.clock)
    page = c.post("/map/meeting", {"child_id": "CH-SALLY"})
    assert page.status_code == 200 and "<svg" in page.text
    for view in full.involved:
        for detail in (view.phone, view.email):
            if detail:
                assert detail not in page.text
    for broker in full.sensitive_services:
        assert broker not in page.text
    assert not re.search(r">[^<]*\b(PR|CH|AG|CAF)-[A-Z]", page.text)  # no ids on screen
    interactive = c.post("/map", {"child_id": "CH-SALLY"})
    assert interactive.status_code == 200 and "vis.Network" in interactive.text


def test_api_same_gate_and_log(site: Site) -> None:
    c = site.client()
    c.sign_in("hoy")
    answer = c.http.post(
        "/api/who-else", json={"child_id": "CH-SALLY"}, headers={"x-csrf-token": c.csrf}
    )
    assert answer.status_code == 200
    library = lookup.who_else(site.store, "CH-SALLY", "PR-HOY", explain=True, clock=site.clock)
    assert answer.json()["involved"] == library.model_dump(mode="json")["involved"]
    entries = [e for e in _log(site) if e.child_id == "CH-SALLY"]
    assert entries[-2].requester_id == "PR-HOY" and entries[-2].disclosed == entries[-1].disclosed
    found = c.http.post("/api/search", json={"name": "Saly"}, headers={"x-csrf-token": c.csrf})
    assert "CH-SALLY" in [m["child_id"] for m in found.json()["matches"]]
    schema = c.http.get("/openapi.json").json()
    paths = {"/api/who-else", "/api/history", "/api/search", "/api/cases", "/api/involvements/end"}
    assert paths <= set(schema["paths"])


@pytest.mark.parametrize(
    ("account", "pages"),
    [
        ("hoy", {"/search", "/cases"}),
        ("ig", {"/governance"}),
        ("admin", {"/accounts"}),
    ],
)
def test_each_account_is_shown_only_the_pages_its_roles_open(
    site: Site, account: str, pages: set[str]
) -> None:
    c = site.client()
    home = c.sign_in(account).headers["location"]
    assert home in pages  # signing in lands on a page the account may open
    page = c.get(home)
    assert page.status_code == 200
    header = page.text.split("<main", 1)[0]  # the header and the service navigation
    links = set(re.findall(r'href="(/[^"#]*)"', header)) - {"/"}
    offered = {link for link in links if not link.startswith(("/assets", "/govuk", "/static"))}
    assert offered == pages, offered
    for link in offered | {"/"}:  # the service's name links to "/": the account's home
        opened = c.get(link)
        if opened.status_code == 303:
            assert opened.headers["location"] in pages
            opened = c.get(opened.headers["location"])
        assert opened.status_code == 200, link


def test_the_search_form_posts_the_fields_the_search_reads(site: Site) -> None:
    """A browser posts the page's own field names: a date of birth typed into the
    form's three boxes is searched by (the boxes were named dob-day, which the search
    never read, so the date was dropped)."""
    c = site.client()
    c.sign_in("hoy")
    page = c.get("/search").text
    names = re.findall(r'<input[^>]*\bname="([^"]+)"', page)
    day, month, year = (
        next(n for n in names if n.endswith(part)) for part in ("day", "month", "year")
    )
    found = c.post("/search", {day: "14", month: "5", year: "2010"})
    assert found.status_code == 200 and "CH-SALLY" in found.text
    assert "by date of birth" in _log(site)[-1].detail
