"""The JSON API (/api/), for a council's case-management system: the same operations,
the same gate and the same access log as the pages. A request carries either the
session cookie (with the X-CSRF-Token header on a POST) or an OpenID Connect bearer
token from the council's provider, whose subject is bound to an account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from tacgraph import accounts, casework, search
from tacgraph.lookup import WhoElse
from tacgraph.timeline import Timeline
from tacgraph.web import directory
from tacgraph.web.deps import (
    NotSignedIn,
    StoreDep,
    User,
    csrf_protect,
    current_user,
    settings_of,
    user_for,
)
from tacgraph.web.forms import SearchFields

router = APIRouter(prefix="/api", tags=["api"])


def api_user(request: Request, store: StoreDep) -> User:
    """The caller: a bearer token's account, else the session's. Raises NotSignedIn."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        check = getattr(request.app.state, "bearer_subject", None)
        subject = check(header[7:].strip()) if check is not None else None
        if not subject:
            raise NotSignedIn()
        account = accounts.by_subject(store, subject)
        if account is None:
            raise NotSignedIn()
        user = user_for(store, account.id, account.practitioner_id, None, settings_of(request))
        user = User(**{**user.__dict__, "channel": "api"})
        request.state.user = user
        return user
    return current_user(request, store)


async def api_csrf(request: Request) -> None:
    """A bearer token is not sent by a browser on its own: only cookie sessions need
    the CSRF header."""
    if not request.headers.get("authorization", "").lower().startswith("bearer "):
        await csrf_protect(request)


ApiUser = Annotated[User, Depends(api_user)]


def _directory(user: User) -> None:
    from tacgraph.web.deps import Forbidden

    if not user.has("directory_user"):
        raise Forbidden("directory_user")


class SearchRequest(SearchFields):
    date_of_birth: str = ""


class ChildRequest(BaseModel):
    child_id: str
    purpose: str = ""


class WhoElseRequest(ChildRequest):
    history: bool = False


class InvolvementRequest(BaseModel):
    child_id: str
    level: str


class EndRequest(BaseModel):
    involvement_id: str
    work_done: str
    outcomes: str
    unmet_needs: str
    reason: str = ""
    no_one_left: bool = False  # confirms ending leaves the child with no practitioner


class BasisRequest(BaseModel):
    child_id: str
    ground: str
    reason: str
    to_agency_id: str
    scopes: list[str]


class Recorded(BaseModel):
    id: str


@router.post("/search", dependencies=[Depends(api_csrf)])
def api_search(
    body: SearchRequest, request: Request, store: StoreDep, user: ApiUser
) -> search.SearchResult:
    """Children who match (name, age, gender, locality only); audited."""
    _directory(user)
    criteria = search.parse_criteria(
        body.name, body.date_of_birth, body.age, body.postcode, body.nhs_number
    )
    return search.find(
        store,
        user.practitioner_id,
        criteria,
        channel=user.channel,
        purpose=body.purpose,
        clock=settings_of(request).clock,
    )


@router.post("/who-else", dependencies=[Depends(api_csrf)])
def api_who_else(body: WhoElseRequest, request: Request, store: StoreDep, user: ApiUser) -> WhoElse:
    """Who else is working with the child, as far as the gate lets the caller see;
    audited."""
    _directory(user)
    return directory.who_else(
        store,
        user,
        body.child_id,
        purpose=body.purpose,
        clock=settings_of(request).clock,
        history=body.history,
    )


@router.post("/history", dependencies=[Depends(api_csrf)])
def api_history(body: ChildRequest, request: Request, store: StoreDep, user: ApiUser) -> Timeline:
    """The child's history as the gate lets the caller see it, with what each handover
    shared with the caller says; audited."""
    _directory(user)
    return directory.history(
        store, user, body.child_id, purpose=body.purpose, clock=settings_of(request).clock
    )


@router.get("/cases")
def api_cases(request: Request, store: StoreDep, user: ApiUser) -> list[WhoElse]:
    """The caller's case list: a lookup of each child they are involved with."""
    _directory(user)
    rows = directory.my_cases(store, user, clock=settings_of(request).clock)
    return [answer for _, answer in rows if answer is not None]


@router.post("/involvements", dependencies=[Depends(api_csrf)])
def api_record(
    body: InvolvementRequest, request: Request, store: StoreDep, user: ApiUser
) -> Recorded:
    """Record the caller's involvement with a child."""
    _directory(user)
    return Recorded(
        id=casework.record_involvement(
            store,
            user.practitioner_id,
            body.child_id,
            body.level,
            channel=user.channel,
            clock=settings_of(request).clock,
        )
    )


@router.post("/involvements/end", dependencies=[Depends(api_csrf)])
def api_end(body: EndRequest, request: Request, store: StoreDep, user: ApiUser) -> casework.Ended:
    """End the caller's involvement with a handover to the lead and the team. Where no
    one else is working with the child, answers 409 unless ``no_one_left`` confirms
    that the child is left with no one; the summary is then kept on the record."""
    _directory(user)
    return casework.end_involvement(
        store,
        user.practitioner_id,
        body.involvement_id,
        work_done=body.work_done,
        outcomes=body.outcomes,
        unmet_needs=body.unmet_needs,
        reason=body.reason,
        no_one_left=body.no_one_left,
        channel=user.channel,
        clock=settings_of(request).clock,
    )


@router.post("/bases", dependencies=[Depends(api_csrf)])
def api_basis(body: BasisRequest, request: Request, store: StoreDep, user: ApiUser) -> Recorded:
    """Record a statutory basis, with its reason; it shares at once."""
    _directory(user)
    return Recorded(
        id=casework.record_basis(
            store,
            user.practitioner_id,
            body.child_id,
            body.ground,
            body.reason,
            body.to_agency_id,
            body.scopes,
            channel=user.channel,
            clock=settings_of(request).clock,
        )
    )
