"""``/health``: whether the service is up and its store answers, for a load balancer,
a proxy or monitoring. No sign-in, no session, no child data, nothing audited: it
reads only the access log's head and says only "ok" or "unavailable"."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tacgraph import audit
from tacgraph.errors import TacgraphError
from tacgraph.web.deps import StoreDep

PATH = "/health"
log = logging.getLogger("tacgraph.web")
router = APIRouter()


@router.get(PATH, include_in_schema=False)
def health(store: StoreDep) -> JSONResponse:
    try:
        audit.answers(store)
    except TacgraphError as exc:
        log.warning("health check: %s", type(exc).__name__)
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})
