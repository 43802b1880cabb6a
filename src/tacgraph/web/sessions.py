"""Sessions: a signed cookie naming the account, when the session began and was last
used, its CSRF token, and the account's session epoch (which signing out, suspending
or closing the account moves, ending every session of it at once).

The cookie holds no child data. It is HttpOnly, SameSite=Lax, and Secure when served
over TLS; a session ends after :data:`~tacgraph.web.settings.IDLE` without a request and
:data:`~tacgraph.web.settings.ABSOLUTE` after sign-in, whatever happens in between.

The idle clock (``seen``) is moved by a request at most once every :data:`SEEN_STEP`,
so that most responses leave the cookie as it was and send none: the time idle is
counted from is then up to a minute before the last request, and a session ends between
14 and 15 minutes after its last request, never later.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from tacgraph.web.settings import WebSettings

COOKIE = "tacgraph_session"
SEEN_STEP = timedelta(minutes=1)


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    account_id: str = ""
    practitioner_id: str = ""  # the practitioner the account was bound to at sign-in
    epoch: int = 0
    started: str = ""  # ISO time of sign-in
    seen: str = ""  # ISO time of the last request
    expired: bool = False  # the last session ended by time (said once on the sign-in page)

    @property
    def signed_in(self) -> bool:
        return bool(self.account_id)

    def touch(self, now: datetime) -> None:
        """A request at ``now``: moves the idle clock when it is :data:`SEEN_STEP` or
        more behind (a signed-in session only)."""
        if self.signed_in and now - datetime.fromisoformat(self.seen) >= SEEN_STEP:
            self.seen = now.isoformat()


class Sessions:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self._serializer = URLSafeSerializer(settings.secret, salt="tacgraph-session")

    def load(self, cookie: str | None, now: datetime) -> tuple[Session, bool]:
        """The session in the cookie, and True; or a new, signed-out one and False when
        there is none, it was tampered with, or it has run out of time."""
        if not cookie:
            return Session(), False
        try:
            data = self._serializer.loads(cookie)
            session = Session(**data)
        except (BadSignature, TypeError, ValueError):
            return Session(), False
        if session.signed_in:
            started = datetime.fromisoformat(session.started)
            seen = datetime.fromisoformat(session.seen)
            if now - seen > self.settings.idle or now - started > self.settings.absolute:
                return Session(expired=True), False
        return session, True

    def dump(self, session: Session) -> str:
        return self._serializer.dumps(asdict(session))

    def cookie_args(self) -> dict[str, object]:
        return {
            "httponly": True,
            "samesite": "lax",
            "secure": self.settings.secure_cookies,
            "path": "/",
        }
