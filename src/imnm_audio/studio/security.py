"""Who may use the studio, and what its answers allow: the one-time token, the session,
the CSRF token, the Host header, the fetch metadata and the security headers.

The studio can write the project's files and start builds, so every request must come
from the browser that opened the address printed when it started (as Jupyter does).
That address carries a one-time token: the first visit exchanges it for a random
session id in an HttpOnly, SameSite=Strict cookie named for the studio's port (two
studios on one computer keep their own), drops it from the address bar and history
(a redirect), and the token no longer works. The session id is not the token: a
cookie the browser also sends to other servers on 127.0.0.1 gives them nothing that
opens the studio once it is stopped, and nothing that opens another run.

Every change (POST) must also carry the page's CSRF token; a request a page on another
site started (`Sec-Fetch-Site: cross-site`) is refused, and a change must come from the
studio's own pages (`same-origin`, or a browser that does not say). The Host header
must name an address the studio was started on (a web page elsewhere cannot reach it
through DNS rebinding). Every answer says it may not be framed (clickjacking), sniffed,
cached or sent on as a referrer, and the studio's own pages run only the studio's own
style and script (Content-Security-Policy).
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


# The studio's pages: only its own files; never framed. Built pages (an episode's page,
# the check's review) carry their style and script inline and are the studio's own
# output from escaped text: they may run it, and still only reach the studio. A take
# heard on the Try and Hear pages is in the page itself (a data: address): sound
# cannot run anything, and no address of it outlives the page.
STUDIO_CSP = (
    "default-src 'self'; img-src 'self' data:; media-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
BUILT_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; media-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def cookie_name(port: int | None) -> str:
    """The session cookie of the studio on `port` (the one in the Host header, which
    the host check has already matched with the port the studio listens on)."""
    return f"{COOKIE}_{port}"


def _secured(response: Response, path: str) -> Response:
    csp = BUILT_CSP if path.startswith("/audio/") else STUDIO_CSP
    response.headers["Content-Security-Policy"] = csp
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response


class TokenMiddleware(BaseHTTPMiddleware):
    """Refuse a request without the session (403), a used or wrong token (403), a change
    without the CSRF token (403), a request from another site (403), and a Host the
    studio was not started on (400); put the security headers on every answer."""

    def __init__(self, app: object, token: str, hosts: set[str], body_limit: int) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.token: str | None = token
        self.csrf = csrf_for(token)
        self.hosts = hosts
        self.body_limit = body_limit
        self.sessions: set[str] = set()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await self._answer(request, call_next)
        return _secured(response, request.url.path)

    def _exchange(self, request: Request, given: str) -> Response:
        """The one-time token for a session: once, by GET, then never again."""
        if (
            request.method != "GET"
            or self.token is None
            or not hmac.compare_digest(given, self.token)
        ):
            return _refused(
                403,
                "This address has been used",
                "The address with the token opens the studio once, in the browser that "
                "opened it first. Go back to that browser's studio tab, or stop the studio "
                "(Ctrl-C) and start it again for a new address.",
            )
        self.token = None  # used: it no longer opens the studio
        session = secrets.token_urlsafe(32)
        self.sessions.add(session)
        rest = {k: v for k, v in request.query_params.items() if k != "token"}
        url = URL(str(request.url.path) + (f"?{urlencode(rest)}" if rest else ""))
        response = RedirectResponse(str(url), status_code=303)
        response.set_cookie(
            cookie_name(request.url.port), session, httponly=True, samesite="strict", path="/"
        )
        return response

    async def _answer(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        host = request.headers.get("host", "")
        if host not in self.hosts:
            return _refused(
                400,
                "Wrong address",
                "This studio answers only at the address it printed when it started.",
            )
        # The studio's own pages send "same-origin"; an address typed or opened from the
        # terminal, "none"; a browser too old to say, nothing. Another site, or another
        # program's page on this computer ("same-site": ports do not make sites), is refused.
        site = request.headers.get("sec-fetch-site")
        changes = request.method not in ("GET", "HEAD")
        if site not in (None, "same-origin", "none") or (changes and site == "none"):
            return _refused(
                403,
                "Refused: another site's request",
                "A page on another site (or another program's page on this computer) "
                "asked the studio for this. Open the studio from its own address.",
            )
        given = request.query_params.get("token")
        if given is not None:
            return self._exchange(request, given)
        session = request.cookies.get(cookie_name(request.url.port), "")
        if session not in self.sessions:
            return _refused(
                403,
                "Open the studio from its address",
                "This page needs the studio's token. Open the address that "
                "'imnm-audio studio' printed when it started (it ends in ?token=...).",
            )
        if changes:
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
