"""tacgraph's own exceptions, all of them, each deriving from :class:`TacgraphError`.

The CLI maps each to one exit code (``cli/exits.py``): AccessDenied 7, InvalidInput and
its kinds 3, StoreUnavailable 4, NotFound 5, any other 1.

    TacgraphError
    ├── StoreError
    │   ├── StoreUnavailable
    │   └── SchemaMissing
    ├── InvalidInput
    │   ├── InvalidArgument
    │   └── UnreadableFile
    ├── NotFound
    ├── AccessDenied
    ├── CafRefused
    ├── QueryError
    ├── RenderError
    │   └── ChromiumMissing
    ├── LogTampered
    ├── Neo4jServerError
    ├── SignInRefused
    └── NotSignedIn, Forbidden, CsrfFailed (the web directory's refusals)

PurposeRequired (a kind of InvalidArgument) refuses a lookup with no involvement and
no purpose.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with every control character but newline and tab (terminal escape codes
    among them) shown as ``\\xNN``, so that data never drives the reader's terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shorten(value: str, limit: int = 80) -> str:
    """A value as it may appear in a message: on one line, control characters shown as
    ``\\xNN`` (see :func:`visible`), and at most ``limit`` characters."""
    text = visible(value.replace("\n", "\\n").replace("\t", "\\t"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TacgraphError(Exception):
    """Base of every error tacgraph raises on purpose. ``hint`` says what to try."""

    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint or self.hint


class StoreError(TacgraphError):
    """The graph engine failed or refused an operation."""

    hint = "check the store settings (--store, --db, NEO4J_URI) and try again"


class StoreUnavailable(StoreError):
    """The graph engine could not be reached or opened."""


class StoreConflict(StoreError):
    """Another writer held what this write needed (the engine chose this one to undo, as
    in a deadlock): nothing of the undone transaction was kept, and running the same
    write again completes it."""

    hint = "another import or change was writing the same records; run it again"


class SchemaMissing(StoreError):
    """The store has no tacgraph schema yet."""

    hint = "run 'tacgraph db init' first"


class InvalidInput(TacgraphError):
    """Input records failed validation; ``problems`` names each (file, record, field)."""

    hint = "fix the records named above, or re-run with --skip-invalid"

    def __init__(self, message: str, problems: list[object] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class InvalidArgument(InvalidInput):
    """An argument or option given on the command line is not valid."""

    hint = "see the command's --help"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint or self.hint


class UnreadableFile(InvalidInput):
    """An input file cannot be read as records at all (its type, encoding or shape)."""

    hint = "check the file against docs/data-format.md"


class NotFound(TacgraphError):
    """A record that was asked for does not exist."""


class Neo4jServerError(TacgraphError):
    """The development Neo4j server's jars could not be fetched, or the server failed to
    start or stop (``tacgraph.devserver``)."""

    hint = "see the server's logs named above; 'tacgraph db status' shows what is running"


class AccessDenied(TacgraphError):
    """The requester may not look up children; nothing was disclosed."""

    hint = "ask your information governance lead to check your directory authorisation"


class CafRefused(TacgraphError):
    """A change to the CAF register was refused; nothing was written."""

    hint = "nothing was changed; see 'tacgraph caf check' for the CAFs a child has"


class QueryError(TacgraphError):
    """A named query is missing, malformed, or was asked for with a bad template value."""

    hint = "the query files in cypher/ do not match this tacgraph: reinstall it, or fix the file"


class RenderError(TacgraphError):
    """A map could not be drawn, written or photographed."""

    hint = "check the output path and try again"


class ChromiumMissing(RenderError):
    """No Chromium (or Chrome) binary was found for a screenshot."""

    hint = (
        "install Debian's chromium (apt-get install chromium), or set TACGRAPH_CHROMIUM "
        "to a Chromium or Chrome binary"
    )


class LogTampered(TacgraphError):
    """The access log's hash chain is broken: an entry was changed, removed or added."""

    hint = "treat the access log as compromised and report it to information governance"


class PurposeRequired(InvalidArgument):
    """A lookup of a child the requester has no involvement with needs a purpose."""

    hint = "say why you are looking (--purpose); it is recorded in the access log"


class SignInRefused(TacgraphError):
    """A sign-in that did not succeed. The message is the same for a wrong password, a
    wrong code and an unknown account; ``reason`` (for the log) says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            "the account name, password or security code is not right",
            "check them and try again; after several failures the account is locked",
        )
        self.reason = reason


class NotSignedIn(TacgraphError):
    """No session, or one that has ended: the page asks the person to sign in."""

    def __init__(self, message: str = "not signed in", hint: str = "sign in") -> None:
        super().__init__(message, hint)


class Forbidden(TacgraphError):
    """Signed in, but the account's roles do not include the page's."""

    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


class CsrfFailed(TacgraphError):
    """A form posted without the session's CSRF token."""

    def __init__(self, message: str = "the form's security token is missing or wrong") -> None:
        super().__init__(message, "go back, reload the page and try again")


class NoOneLeft(TacgraphError):
    """Ending an involvement would leave the child with no practitioner working with
    them, and the requester has not confirmed it: nothing was written. The hint names
    whom to contact where needs remain (the front door)."""

    def __init__(self, message: str, front_door: str = "the front door") -> None:
        super().__init__(
            message,
            f"where needs remain, contact {front_door} about a request for help or a "
            "step-down first; then confirm that no one will be working with the child",
        )
