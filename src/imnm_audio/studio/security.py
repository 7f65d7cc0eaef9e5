"""Who may use the studio: the one-time token, the CSRF token, the Host header.

The studio can write the project's files and start builds, so every request must
carry the token printed when it started (as Jupyter does): in the address the first
time, then in an HttpOnly, SameSite=Strict cookie. Every change (POST) must also
carry the page's CSRF token, and the Host header must name the address the studio
was started on (a web page elsewhere cannot reach it through DNS rebinding).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

COOKIE = "imnm_studio"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_for(token: str) -> str:
    """The CSRF token of a studio run: derived from its secret, so it needs no storage."""
    return hmac.new(token.encode(), b"imnm-studio csrf", hashlib.sha256).hexdigest()


def _refused(status: int, title: str, text: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} - imnm-audio studio</title></head><body><main>"
        f"<h1>{title}</h1><p>{text}</p></main></body></html>",
        status_code=status,
    )


class TokenMiddleware(BaseHTTPMiddleware):
    """Refuse a request without the token (403), a change without the CSRF token (403),
    and a Host the studio was not started on (400)."""

    def __init__(self, app: object, token: str, hosts: set[str], body_limit: int) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.token = token
        self.csrf = csrf_for(token)
        self.hosts = hosts
        self.body_limit = body_limit

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        host = request.headers.get("host", "")
        if self.hosts and host not in self.hosts:
            return _refused(
                400,
                "Wrong address",
                "This studio answers only at the address it printed when it started.",
            )
        given = request.query_params.get("token")
        if given is not None and hmac.compare_digest(given, self.token):
            if request.method == "GET":  # drop the token from the address bar and history
                rest = {k: v for k, v in request.query_params.items() if k != "token"}
                url = URL(str(request.url.path) + (f"?{urlencode(rest)}" if rest else ""))
                response: Response = RedirectResponse(str(url), status_code=303)
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
                return response
        elif not hmac.compare_digest(request.cookies.get(COOKIE, ""), self.token):
            return _refused(
                403,
                "Open the studio from its address",
                "This page needs the studio's token. Open the address that "
                "'imnm-audio studio' printed when it started (it ends in ?token=...).",
            )
        if request.method not in ("GET", "HEAD"):
            too_big = self._too_big(request)
            if too_big is not None:
                return too_big
            sent = request.headers.get(CSRF_HEADER)
            if sent is None:
                kind = request.headers.get("content-type", "")
                if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                    await request.body()  # kept: the route reads the same form again
                    form = await request.form()
                    value = form.get(CSRF_FIELD)
                    sent = value if isinstance(value, str) else None
            if sent is None or not hmac.compare_digest(sent, self.csrf):
                return _refused(
                    403,
                    "This change was refused",
                    "The form did not carry the studio's security token (CSRF). Reload the "
                    "page and try again.",
                )
        return await call_next(request)

    def _too_big(self, request: Request) -> Response | None:
        """A body larger than the biggest file the importer takes is refused from its
        Content-Length, before a byte of it is read (one without a length too)."""
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            if request.headers.get("transfer-encoding"):
                return _refused(411, "Size not given", "The request did not say how big it is.")
            return None
        if int(length) > self.body_limit:
            return _refused(
                413,
                "File too large",
                f"The studio takes files up to {self.body_limit // (1024 * 1024)} MB (this "
                f"one is {int(length) / (1024 * 1024):.0f} MB). Split the document, or save "
                "only the leaflet's own pages.",
            )
        return None
