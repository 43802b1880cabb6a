"""Rendering pages: the Jinja2 environment (the GOV.UK Frontend macros beside the
directory's own templates) and what every page is given."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from markupsafe import Markup
from starlette.responses import Response

from tacgraph.wording import counted, first_upper, plain, words

_env = Environment(
    loader=ChoiceLoader(
        [
            FileSystemLoader(Path(__file__).parent / "templates"),
            PrefixLoader(
                {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
            ),
        ]
    ),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    # The templates ship with the package: each page need not stat its template files
    # (one per template, macro and layout it uses) to see whether they changed.
    auto_reload=False,
)
templates = Jinja2Templates(env=_env)


_env.filters["words"] = words
_env.filters["plain"] = plain
_env.filters["first_upper"] = first_upper
_env.filters["counted"] = counted

# The GOV.UK Frontend components the pages use, each macro a global of every template
# (govukButton, govukDateInput, ...), so that no page repeats their imports.
COMPONENTS = (
    "button", "checkboxes", "date-input", "details", "error-summary", "input", "inset-text",
    "notification-banner", "panel", "radios", "select", "service-navigation",
    "skip-link", "summary-list", "tag", "textarea", "warning-text",
)  # fmt: skip
for _component in COMPONENTS:
    _macro = "govuk" + "".join(part.capitalize() for part in _component.split("-"))
    _module = _env.get_template(f"govuk_frontend_jinja/components/{_component}/macro.html").module
    _env.globals[_macro] = getattr(_module, _macro)


# The page's chrome is the same for every page an account's roles open: drawn once for
# each set of pages and the page that is current (GOV.UK Frontend's macros took about a
# quarter of a page's rendering to draw it each time).
@lru_cache(maxsize=256)
def _service_navigation(pages: tuple[tuple[str, str, str], ...], home: str, active: str) -> Markup:
    navigation = [
        {"href": href, "text": text, "active": active == name} for href, text, name in pages
    ]
    drawn: Markup = _env.globals["govukServiceNavigation"](  # type: ignore[operator]
        {
            "serviceName": "Who else is working with this child",
            "serviceUrl": home,
            "navigation": navigation,
        }
    )
    return drawn


def service_navigation(user: Any, active: object) -> Markup:
    """GOV.UK's service navigation for ``user`` (None: signed out) on the page named
    ``active``: only the pages the account's roles open, the service's name leading to
    the first."""
    if user is None:
        return _service_navigation((), "/", "")
    pages = tuple(user.pages)
    return _service_navigation(pages, str(user.home), active if isinstance(active, str) else "")


@lru_cache(maxsize=1)
def skip_link() -> Markup:
    """GOV.UK's skip link, as its page template draws it."""
    drawn: Markup = _env.globals["govukSkipLink"](  # type: ignore[operator]
        {"href": "#main-content", "text": "Skip to main content"}
    )
    return drawn


_env.globals["serviceNavigation"] = service_navigation
_env.globals["skipLink"] = skip_link
_macros = _env.get_template("macros.html").module
_env.globals["rowForm"] = _macros.rowForm  # type: ignore[attr-defined]
_env.globals["actionTable"] = _macros.actionTable  # type: ignore[attr-defined]


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Response:
    """The page ``template`` with the request's user, CSRF token and CSP nonce."""
    session = request.state.session
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": getattr(request.state, "user", None),
            "csrf_token": session.csrf,
            "cspNonce": request.state.nonce,
            **context,
        },
        status_code=status_code,
    )
