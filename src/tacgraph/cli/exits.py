"""Exit codes, in one place (pinned by tests)."""

from __future__ import annotations

from tacgraph.errors import AccessDenied, InvalidInput, NotFound, StoreUnavailable, TacgraphError

OK = 0
ERROR = 1
USAGE = 2  # typer/click's own code for bad arguments
INVALID_INPUT = 3
STORE_UNAVAILABLE = 4
NOT_FOUND = 5
FINDINGS = 6  # an audit found something and --fail-on-findings was given
ACCESS_DENIED = 7  # the requester may not look up children (the attempt is audited)
NOT_KNOWN = 8  # who-else answered "not known": no agency here knows the child (audited)


def code_for(error: TacgraphError) -> int:
    if isinstance(error, AccessDenied):
        return ACCESS_DENIED
    if isinstance(error, InvalidInput):
        return INVALID_INPUT
    if isinstance(error, StoreUnavailable):
        return STORE_UNAVAILABLE
    if isinstance(error, NotFound):
        return NOT_FOUND
    return ERROR
