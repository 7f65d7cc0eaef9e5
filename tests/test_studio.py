"""The studio: a real server (uvicorn in a thread) over a project in a temporary folder,
driven by httpx for its security rules and by Chromium (Playwright) for the journey a
user makes: upload a PDF, fill in the details, make the script, build with progress,
listen, check. Axe runs on every page the journey opens."""

from __future__ import annotations

import base64
import functools
import html
import os
import re
import select
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from conftest import FACTSHEET, LEXICON, PODCAST, write_project
from documents import make_pdf
from imnm_audio.content.settings import load_podcast
from imnm_audio.content.settings_edit import show_values
from imnm_audio.studio.app import make_app
from imnm_audio.studio.security import cookie_name, csrf_for, new_token

HIBARI_PODCAST = PODCAST.replace("engine: piper", "engine: hibari").replace(
    "voice: en_US-joe-medium", "voice: heart"
)
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "studio"
ACTIVE_STATES = ("running", "waiting")


class Studio:
    """The studio's app served on a free local port, as `imnm-audio studio` serves it."""

    def __init__(self, root: Path, hosts: set[str] | None = None) -> None:
        import uvicorn

        self.root = root
        self.token = new_token()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        names = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"} if hosts is None else hosts
        app = make_app(root, self.token, names)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the studio did not start"
            time.sleep(0.02)

    @functools.cached_property
    def session(self) -> str:
        """The session the one-time token is exchanged for (once: the token is then used)."""
        with httpx.Client(base_url=self.base) as first:
            answer = first.get(f"/?token={self.token}")
            assert answer.status_code == 303, answer.text
            return answer.cookies[cookie_name(self.port)]

    @property
    def cookie(self) -> str:
        return f"{cookie_name(self.port)}={self.session}"

    def client(self) -> httpx.Client:
        """A client holding the studio's cookie, as a browser does after the first visit."""
        cookies = {cookie_name(self.port): self.session}
        return httpx.Client(base_url=self.base, cookies=cookies, timeout=60)

    @property
    def csrf(self) -> str:
        return csrf_for(self.token)

    def wait_for_job(self, client: httpx.Client, slug: str, timeout: float = 240) -> dict:  # type: ignore[type-arg]
        deadline = time.monotonic() + timeout
        while True:
            status = client.get(f"/sheet/{slug}/status").json()
            if status["state"] != "running":
                return status  # type: ignore[no-any-return]
            assert time.monotonic() < deadline, status
            time.sleep(0.3)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Studio]:
    root = write_project(tmp_path / "project", FACTSHEET, HIBARI_PODCAST, LEXICON)
    served = Studio(root)
    yield served
    served.stop()


def empty_project(root: Path) -> Path:
    """A project with its settings and lexicon and no factsheet yet."""
    content = root / "content"
    content.mkdir(parents=True)
    (content / "podcast.yaml").write_text(HIBARI_PODCAST, encoding="utf-8")
    (content / "lexicon.yaml").write_text(LEXICON, encoding="utf-8")
    return root


def leaflet_pdf(tmp_path: Path, name: str, text: str = FACTSHEET) -> Path:
    """A print PDF of a factsheet, as a charity would send it."""
    written = tmp_path / "source" / Path(name).stem.lower().replace(" ", "-") / "factsheet.md"
    written.parent.mkdir(parents=True)
    written.write_text(text, encoding="utf-8")
    return make_pdf(written, tmp_path / name)


def write_scripts(root: Path) -> None:
    from imnm_audio.cli import main

    assert (
        main(
            ["script", "-q", "--content", str(root / "content"), "--scripts", str(root / "scripts")]
        )
        == 0
    )


# ------------------------------------------------------------------ security


def test_without_the_token_every_page_is_refused(studio: Studio) -> None:
    with httpx.Client(base_url=studio.base) as anyone:
        for url in ("/", "/sheet/tcf", "/sheet/tcf/status", "/audio/tcf/tcf.mp3"):
            answer = anyone.get(url)
            assert answer.status_code == 403, url
            assert "token" in answer.text
        assert anyone.get("/?token=wrong").status_code == 403
        assert anyone.post("/sheet/tcf/build", data={"csrf": studio.csrf}).status_code == 403


def test_the_token_is_exchanged_once_for_a_session_and_leaves_the_address(
    studio: Studio,
) -> None:
    with httpx.Client(base_url=studio.base) as browser:
        # Only a GET exchanges it (a form another page posts to the address does not).
        for method in ("POST", "DELETE", "PUT"):
            sent = browser.request(method, f"/?token={studio.token}")
            assert sent.status_code == 403 and "set-cookie" not in sent.headers, method
        first = browser.get(f"/?token={studio.token}&q=x&view=all")
        assert first.status_code == 303 and first.headers["location"] == "/?q=x&view=all"
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        name, value = cookie.split(";")[0].split("=", 1)
        assert name == cookie_name(studio.port)  # two studios keep their own
        assert value != studio.token and studio.token not in cookie  # a session, not the token
        # The token: 192 random bits or more; the session: 256 or more.
        assert len(studio.token) >= 32 and len(value) >= 43
        page = browser.get("/")
        assert page.status_code == 200 and "Test Condition Factsheet" in page.text
    # The token opens the studio once: the address again, in another browser, is refused.
    with httpx.Client(base_url=studio.base) as other:
        again = other.get(f"/?token={studio.token}")
        assert again.status_code == 403 and "used" in again.text
        assert "set-cookie" not in again.headers
        # Nor does the token itself work as the cookie.
        other.cookies.set(cookie_name(studio.port), studio.token)
        assert other.get("/").status_code == 403


def test_every_answer_carries_the_security_headers(studio: Studio) -> None:
    (studio.root / "audio" / "tcf").mkdir(parents=True)
    (studio.root / "audio" / "tcf" / "tcf.vtt").write_text("WEBVTT\n", encoding="utf-8")
    with studio.client() as client, httpx.Client(base_url=studio.base) as anyone:
        answers = {
            "page": client.get("/"),
            "status": client.get("/sheet/tcf/status"),
            "style": client.get("/static/studio.css"),
            "built file": client.get("/audio/tcf/tcf.vtt"),
            "not found": client.get("/audio/tcf/none.mp3"),
            "refused": anyone.get("/"),
            "wrong host": client.get("/", headers={"host": f"evil.example:{studio.port}"}),
            "no csrf": client.post("/sheet/tcf/build"),
        }
    for what, answer in answers.items():
        headers = answer.headers
        csp = headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, what
        assert headers.get("x-frame-options") == "DENY", what
        assert headers.get("x-content-type-options") == "nosniff", what
        assert headers.get("referrer-policy") == "no-referrer", what
        assert headers.get("cache-control") == "no-store", what
    # The studio's own pages run only its own files: no inline script or style.
    assert "'unsafe-inline'" not in answers["page"].headers["content-security-policy"]
    assert answers["style"].headers["content-type"].startswith("text/css")


def test_a_request_another_site_started_is_refused(studio: Studio) -> None:
    """Fetch metadata: a page on another site, or another program's page on this
    computer (another port is the same site), cannot reach the studio; its own pages
    (same-origin) and an address typed in (none) can."""
    before = (studio.root / "content" / "tcf" / "factsheet.md").read_bytes()
    with studio.client() as client:
        for site in ("cross-site", "same-site"):
            headers = {"sec-fetch-site": site}
            assert client.get("/", headers=headers).status_code == 403, site
            answer = client.post(
                "/sheet/tcf", data={"csrf": studio.csrf, "title": "Changed"}, headers=headers
            )
            assert answer.status_code == 403, site
        for site in ("same-origin", "none"):
            assert client.get("/", headers={"sec-fetch-site": site}).status_code == 200, site
        answer = client.post(
            "/sheet/tcf/build", headers={"sec-fetch-site": "none", "x-csrf-token": studio.csrf}
        )
        assert answer.status_code == 403  # a change never comes from a typed address
    assert (studio.root / "content" / "tcf" / "factsheet.md").read_bytes() == before


def test_the_host_check_is_always_on_and_a_remote_host_needs_allowing(tmp_path: Path) -> None:
    from imnm_audio.errors import UsageError
    from imnm_audio.studio import host_names, run_studio

    assert host_names("127.0.0.1", 8765) >= {"127.0.0.1:8765", "localhost:8765"}
    assert host_names("192.0.2.7", 9000) == {"192.0.2.7:9000"}
    everywhere = host_names("0.0.0.0", 9000)
    assert "localhost:9000" in everywhere and not any("evil" in n for n in everywhere)
    root = write_project(tmp_path / "project", FACTSHEET, HIBARI_PODCAST, LEXICON)
    # Refused before it listens (were it to serve, the thread would not end).
    raised: list[BaseException] = []

    def start() -> None:
        try:
            run_studio(root, "0.0.0.0", 0)
        except BaseException as err:  # noqa: BLE001 - what the thread raised is the finding
            raised.append(err)

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the studio started on every address without --allow-remote"
    assert isinstance(raised[0], UsageError) and "allow-remote" in str(raised[0])
    # An app given no names answers none: the check cannot be switched off by accident.
    served = Studio(root, hosts=set())
    try:
        assert httpx.get(f"{served.base}/?token={served.token}").status_code == 400
    finally:
        served.stop()


def test_the_host_check_knows_this_computers_names_and_addresses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Which hosts count as this computer, and the address printed for each (found
    by mutation testing: `make mutate`)."""
    import imnm_audio.studio as studio_module
    from imnm_audio.studio import loopback, studio_address

    typed = "".join(["local", "host"])  # a name as typed, not the program's own string
    assert loopback(typed) and loopback("127.0.0.1") and loopback("::1")
    for other in ("example.org", "studio.example.org", "192.0.2.7", "a", "localhost.evil"):
        assert not loopback(other), other
    for everywhere in ("0.0.0.0", "::", "127.0.0.1"):
        assert studio_address(everywhere, 8765, "t") == "http://127.0.0.1:8765/?token=t"
    assert studio_address("192.0.2.7", 9000, "t") == "http://192.0.2.7:9000/?token=t"

    def unresolvable(*args: object) -> object:
        raise OSError("no such name")

    def resolved(*args: object) -> list[tuple[object, ...]]:
        return [(None, None, None, "", ("192.0.2.55", 0))]

    monkeypatch.setattr(studio_module.socket, "getaddrinfo", resolved)
    assert "192.0.2.55:9000" in studio_module.host_names("0.0.0.0", 9000)  # its own address
    monkeypatch.setattr(studio_module.socket, "getaddrinfo", unresolvable)
    assert "localhost:9000" in studio_module.host_names("0.0.0.0", 9000)  # names not resolved


def test_a_body_over_the_limit_is_refused_from_its_size_alone() -> None:
    """The limit is the largest body taken: one byte more is refused (413) and named in
    megabytes; one of exactly the limit, or a body without a size sent whole, is not."""
    from starlette.requests import Request

    from imnm_audio.studio.security import TokenMiddleware

    limit = 1023 * 1024 * 1024
    guard = TokenMiddleware(object(), "t", set(), body_limit=limit)

    def sized(length: str | None, chunked: bool = False) -> Request:
        headers = [(b"content-length", length.encode())] if length is not None else []
        headers += [(b"transfer-encoding", b"chunked")] if chunked else []
        return Request({"type": "http", "method": "POST", "headers": headers})

    assert guard._too_big(sized(str(limit))) is None
    assert guard._too_big(sized(None)) is None
    over = guard._too_big(sized(str(limit + 1)))
    assert over is not None and over.status_code == 413
    assert b"up to 1023 MB" in over.body and b"this one is 1023 MB" in over.body
    rounded = guard._too_big(sized(str(limit + 700 * 1024)))  # 1023.7 MB, said 1024
    assert rounded is not None and b"this one is 1024 MB" in rounded.body
    chunked = guard._too_big(sized(None, chunked=True))
    assert chunked is not None and chunked.status_code == 411


def test_an_upload_without_a_size_is_refused(studio: Studio) -> None:
    """A body sent in chunks, with no Content-Length, cannot be measured before it is
    read: refused (411) before a byte of it is read; a page asked for without a body is
    not."""

    def chunks() -> Iterator[bytes]:
        yield b"--b\r\n"

    with studio.client() as client:
        answer = client.post(
            "/upload",
            content=chunks(),
            headers={
                "X-CSRF-Token": studio.csrf,
                "Content-Type": "multipart/form-data; boundary=b",
            },
        )
        assert answer.status_code == 411, answer.text
        assert client.get("/").status_code == 200


def test_built_files_are_never_served_through_a_symbolic_link(
    studio: Studio, tmp_path: Path
) -> None:
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "tcf.vtt").write_text("a secret outside the project\n", encoding="utf-8")
    audio = studio.root / "audio"
    audio.mkdir()
    (audio / "tcf").symlink_to(secret, target_is_directory=True)  # a folder linked out
    (audio / "feed.xml").symlink_to(secret / "tcf.vtt")  # a file linked out
    with studio.client() as client:
        for url in ("/audio/tcf/tcf.vtt", "/audio/feed.xml"):
            answer = client.get(url)
            assert answer.status_code == 404, url
            assert "secret" not in answer.text, url
        (audio / "tcf").unlink()
        (audio / "tcf").mkdir()
        (audio / "tcf" / "tcf.vtt").symlink_to(secret / "tcf.vtt")  # a file in a folder
        assert client.get("/audio/tcf/tcf.vtt").status_code == 404
        (audio / "tcf" / "tcf.vtt").unlink()
        (audio / "tcf" / "tcf.vtt").write_text("WEBVTT\n", encoding="utf-8")
        assert client.get("/audio/tcf/tcf.vtt").status_code == 200


def test_a_change_without_the_csrf_token_is_refused(studio: Studio) -> None:
    with studio.client() as client:
        before = (studio.root / "content" / "tcf" / "factsheet.md").read_bytes()
        for data in ({"title": "Changed"}, {"title": "Changed", "csrf": "0" * 64}):
            answer = client.post("/sheet/tcf", data=data)
            assert answer.status_code == 403 and "CSRF" in answer.text
        assert client.post("/sheet/tcf/build").status_code == 403
        assert (studio.root / "content" / "tcf" / "factsheet.md").read_bytes() == before
        assert not (studio.root / "audio").exists()


def test_a_request_for_another_host_is_refused(studio: Studio) -> None:
    # A page elsewhere reaching the studio through a name of its own (DNS rebinding).
    with studio.client() as client:
        answer = client.get("/", headers={"host": f"evil.example:{studio.port}"})
        assert answer.status_code == 400


def test_a_200_mb_upload_is_refused_before_it_is_read(studio: Studio) -> None:
    # Only the headers are sent: the answer comes without the body ever being read.
    with socket.create_connection(("127.0.0.1", studio.port), timeout=10) as raw:
        raw.sendall(
            (
                f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{studio.port}\r\n"
                f"Cookie: {studio.cookie}\r\nX-CSRF-Token: {studio.csrf}\r\n"
                "Content-Type: multipart/form-data; boundary=b\r\n"
                f"Content-Length: {200 * 1024 * 1024}\r\n\r\n"
            ).encode()
        )
        started = time.monotonic()
        answer = raw.recv(65536).decode("latin-1")
        length = int(re.search(r"content-length: (\d+)", answer, re.I).group(1))  # type: ignore[union-attr]
        while len(answer.split("\r\n\r\n", 1)[1].encode("latin-1")) < length:
            answer += raw.recv(65536).decode("latin-1")
        assert time.monotonic() - started < 2
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "50 MB" in answer and "200 MB" in answer
    assert sorted(p.name for p in (studio.root / "content").iterdir()) == [
        "lexicon.yaml",
        "podcast.yaml",
        "tcf",
    ]


@pytest.mark.parametrize("slug", ["../../etc", "..%2F..%2Fetc", "tcf%2F..%2F..", "TCF", "passwd"])
def test_a_slug_outside_the_project_is_refused(studio: Studio, slug: str) -> None:
    with studio.client() as client:
        for url in (f"/sheet/{slug}", f"/sheet/{slug}/status", f"/audio/{slug}/factsheet.md"):
            answer = client.get(url)
            assert answer.status_code in (403, 404), url
            assert "root:" not in answer.text
        answer = client.post(f"/sheet/{slug}", data={"csrf": studio.csrf, "title": "x"})
        assert answer.status_code in (404, 405)


def test_only_built_files_are_served(studio: Studio) -> None:
    with studio.client() as client:
        assert client.get("/audio/tcf/..%2Ffactsheet.md").status_code == 404
        assert client.get("/audio/tcf/.build.json").status_code == 404


def test_an_upload_that_is_not_a_document_is_refused_and_nothing_written(
    studio: Studio,
) -> None:
    with studio.client() as client:
        answer = client.post(
            "/upload",
            data={"csrf": studio.csrf},
            files={"document": ("notes.exe", b"MZ\x90\x00", "application/octet-stream")},
        )
        assert answer.status_code == 400
        assert "is not a PDF, Word (.docx) or web page" in answer.text
        answer = client.post(
            "/upload",
            data={"csrf": studio.csrf},
            files={"document": ("leaflet.pdf", b"%PDF-1.4\nnot really", "application/pdf")},
        )
        assert answer.status_code == 400 and 'aria-invalid="true"' in answer.text
        assert "leaflet.pdf" in answer.text and "/tmp/" not in answer.text
    assert sorted(p.name for p in (studio.root / "content").iterdir()) == [
        "lexicon.yaml",
        "podcast.yaml",
        "tcf",
    ]


def long_pdf(target: Path, pages: int) -> Path:
    """A plain leaflet of many pages: slow enough to import that pages asked for
    meanwhile show whether the import holds the server."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(target))
    for page in range(pages):
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(60, 780, f"Living with myositis, part {page + 1}")
        canvas.setFont("Helvetica", 10)
        for line in range(60):
            canvas.drawString(60, 750 - 12 * line, f"Line {line} of the page: rest, pace "
                              "yourself and ask your team about exercise that helps.")  # fmt: skip
        canvas.showPage()
    canvas.save()
    return target


def test_pages_answer_while_a_document_is_imported(studio: Studio, tmp_path: Path) -> None:
    """The import runs in a worker process: the pages answer all through it (on the
    server's event loop it held every page until it had finished)."""
    source = long_pdf(tmp_path / "long.pdf", 15)
    finished: list[int] = []

    def upload() -> None:
        with studio.client() as client, source.open("rb") as document:
            answer = client.post(
                "/upload",
                data={"csrf": studio.csrf, "slug": "long"},
                files={"document": ("long.pdf", document, "application/pdf")},
            )
            finished.append(answer.status_code)

    thread = threading.Thread(target=upload)
    answered = 0
    with studio.client() as client:
        thread.start()
        while thread.is_alive():
            assert client.get("/sheet/tcf/status").status_code == 200
            if thread.is_alive():
                answered += 1
        thread.join()
    assert finished == [303]
    assert (studio.root / "content" / "long" / "factsheet.md").is_file()
    assert answered >= 200, answered  # held: a few dozen before the import starts


def test_uploads_beyond_the_limit_are_asked_to_come_back(
    studio: Studio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imnm_audio.studio.app as studio_app

    monkeypatch.setattr(studio_app, "IMPORT_WORKERS", 1)
    monkeypatch.setattr(studio_app, "IMPORTS_WAITING", 0)
    source = long_pdf(tmp_path / "long.pdf", 15)
    answers: dict[str, httpx.Response] = {}

    def upload(slug: str) -> None:
        with studio.client() as client, source.open("rb") as document:
            answers[slug] = client.post(
                "/upload",
                data={"csrf": studio.csrf, "slug": slug},
                files={"document": ("long.pdf", document, "application/pdf")},
            )

    threads = [threading.Thread(target=upload, args=(f"long-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(answer.status_code for answer in answers.values())
    assert codes == [303, 503, 503], codes
    busy = next(a for a in answers.values() if a.status_code == 503)
    assert "importing 1 document already" in busy.text and "upload this one again" in busy.text
    made = [p.name for p in (studio.root / "content").iterdir() if p.name.startswith("long")]
    assert len(made) == 1


# ------------------------------------------------------------------ details


def test_saving_the_details_keeps_the_body_byte_for_byte(studio: Studio) -> None:
    path = studio.root / "content" / "tcf" / "factsheet.md"
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    with studio.client() as client:
        form = client.get("/sheet/tcf").text
        assert 'value="Test Charity"' in form
        answer = client.post(
            "/sheet/tcf",
            data={
                "csrf": studio.csrf,
                "title": "Test Condition Factsheet (TCF), revised",
                "short_title": "TCF",
                "organisation": "Test Charity",
                "language": "en-US",
                "published": "2026-02-01",
                "source_url": "https://example.org/tcf",
                "summary": "A short factsheet   used by the tests.",
                "resource-0-title": "Test Charity",
                "resource-0-url": "https://www.example.org/help",
                "new-resource-title": "Another page",
                "new-resource-url": "https://example.org/more",
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303
    text = path.read_text(encoding="utf-8")
    assert text.split("\n---\n", 1)[1] == body
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Test Condition Factsheet (TCF), revised"
    assert front["summary"] == "A short factsheet used by the tests."
    assert front["episode"] == 3  # a key the form does not show is kept
    assert front["resources"][1] == {"title": "Another page", "url": "https://example.org/more"}


def test_every_bad_detail_is_shown_at_once_on_its_field_in_plain_words(
    studio: Studio,
) -> None:
    path = studio.root / "content" / "tcf" / "factsheet.md"
    before = path.read_bytes()
    with studio.client() as client:
        answer = client.post(
            "/sheet/tcf",
            data={
                "csrf": studio.csrf,
                "title": "TCF",
                "short_title": "TCF",
                "organisation": "",
                "language": "english please",
                "published": "1 Feb 2026",
                "source_url": "example.org/tcf",
                "summary": "TODO (import): a sentence",
            },
        )
    assert answer.status_code == 400
    bad = {"organisation", "language", "published", "source_url", "summary"}
    for name in bad:
        field = re.search(rf'<(?:input|textarea)[^>]*id="{name}"[^>]*>', answer.text)
        assert field and 'aria-invalid="true"' in field.group(0), name
        assert f"{name}-error" in field.group(0), name
        error = re.search(rf'id="{name}-error">([^<]+)<', answer.text)
        assert error, name
        said = html.unescape(error.group(1))
        # Plain words: no file, line or YAML words.
        assert not re.search(r"factsheet\.md|line \d|front matter|YAML|/tmp/", said), said
    assert re.search(r'id="title"[^>]*aria-invalid', answer.text) is None
    # A summary at the top, announced, links to each field in order, and takes the focus.
    summary = re.search(r'<div[^>]*id="problems"[^>]*>(.*?)</div>', answer.text, re.S)
    assert summary and 'role="alert"' in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert "autofocus" in summary.group(0)
    links = re.findall(r'href="#([a-z_]+)"', summary.group(1))
    assert links == ["organisation", "language", "published", "source_url", "summary"]
    assert path.read_bytes() == before


def test_the_sheet_says_which_voice_reads_it_and_warns_of_another_variety(
    studio: Studio,
) -> None:
    path = studio.root / "content" / "tcf" / "factsheet.md"
    with studio.client() as client:
        page = html.unescape(client.get("/sheet/tcf").text)
        assert "Read by hibari heart (en-US)." in page and "Check the voice" not in page
        path.write_text(re.sub(r"(?m)^language: .*$", "language: en-GB", path.read_text()))
        page = html.unescape(client.get("/sheet/tcf").text)
    assert "Read by hibari heart (en-US)." in page
    advice = re.search(r'id="voice-advice">(.*?)</p>', page, re.S)
    assert advice and "en-GB" in advice.group(1), page


# ------------------------------------------------------------------ jobs


def test_two_builds_at_once_one_waits(studio: Studio) -> None:

    other = studio.root / "content" / "tcf-two" / "factsheet.md"
    other.parent.mkdir()
    other.write_text(
        FACTSHEET.replace("Test Condition Factsheet", "Second Condition Factsheet"),
        encoding="utf-8",
    )
    write_scripts(studio.root)
    with studio.client() as client:
        first = client.post("/sheet/tcf/build", data={"csrf": studio.csrf}, follow_redirects=False)
        assert first.status_code == 303
        second = client.post(
            "/sheet/tcf-two/build", data={"csrf": studio.csrf}, follow_redirects=True
        )
        assert second.status_code == 200
        assert "Waiting: the studio is making the build of tcf first" in second.text
        assert client.get("/sheet/tcf-two/status").json()["state"] == "waiting"
        again = client.post(  # the same job again: given the one running
            "/sheet/tcf/build", data={"csrf": studio.csrf}, follow_redirects=True
        )
        assert again.status_code == 200 and "Build of tcf" in again.text
        assert "Waiting" not in again.text
        done = studio.wait_for_job(client, "tcf")
        assert done["state"] == "done", done
        assert done["total"] > 0 and done["done"] == done["total"]
        later = studio.wait_for_job(client, "tcf-two")
        assert later["state"] == "done", later
        # The progress is still there for a page opened afterwards.
        assert "Finished" in client.get("/sheet/tcf/progress").text
    for slug in ("tcf", "tcf-two"):
        assert (studio.root / "audio" / slug / f"{slug}.mp3").is_file()


def _followed(studio: Studio, client: httpx.Client, kind: str) -> list[dict]:  # type: ignore[type-arg]
    """Every state of a job's progress seen by polling it, from the press to the end."""
    answer = client.post(f"/sheet/tcf/{kind}", data={"csrf": studio.csrf})
    assert answer.status_code == 303, answer.text
    seen = []
    deadline = time.monotonic() + 240
    while True:
        status = client.get("/sheet/tcf/status").json()
        seen.append(status)
        if status["state"] not in ("running", "waiting"):
            return seen
        assert time.monotonic() < deadline, status
        time.sleep(0.05)


def test_progress_is_whole_from_the_start_and_never_goes_back(studio: Studio) -> None:
    """The bar's total is known before the first clip (the hold line and the assembly
    are counted from the start, not added when reached), and the check counts the
    passages it hears and the chapters it scores, not one step at the end."""
    sheet = studio.root / "content" / "tcf" / "factsheet.md"
    long_enough = (
        "It is not real: it was made up so that the tests have a short factsheet with a hold line."
    )
    sheet.write_text(sheet.read_text("utf-8").replace("It is not real.", long_enough), "utf-8")
    write_scripts(studio.root)
    with studio.client() as client:
        for kind in ("build", "check"):
            seen = _followed(studio, client, kind)
            assert seen[-1]["state"] == "done", seen[-1]
            running = [s for s in seen if s["state"] == "running" and s["total"]]
            assert running, seen
            assert {s["total"] for s in running} == {seen[-1]["total"]}, (kind, running)
            done = [s["done"] for s in seen if s["state"] in ("running", "done")]
            assert done == sorted(done), (kind, done)
            assert seen[-1]["done"] == seen[-1]["total"]
            labels = [step["label"] for step in seen[-1]["steps"]]
            if kind == "build":
                assert labels == ["tcf", "tcf hold line", "tcf assembly"], labels
            else:
                assert labels == ["Listening to the episode", "Scoring each chapter"], labels
                passages = seen[-1]["steps"][0]
                assert passages["total"] > 1, passages
        # The same check again: nothing had changed, so its report stands, at once.
        again = _followed(studio, client, "check")
        assert again[-1]["state"] == "done" and again[-1]["fraction"] == 1.0, again[-1]
        assert "Nothing had changed since the last check." in again[-1]["message"]
        # A lexicon change, then "make the script again, build and check" from the
        # lexicon page: one job in three phases, its bar never going back.
        saved = client.post(
            "/lexicon",
            data={"csrf": studio.csrf, "term": "fluids", "say": "FLOO-idz", "back": "/lexicon"},
            follow_redirects=True,
        )
        assert "Make its script again, build and check" in saved.text, saved.text
        slugs = re.search(r'name="slugs" value="([^"]*)"', saved.text).group(1)  # type: ignore[union-attr]
        assert slugs.split() == ["tcf"]
        started = client.post(
            "/lexicon/update", data={"csrf": studio.csrf, "slugs": slugs}, follow_redirects=True
        )
        assert 'href="/sheet/tcf/progress"' in started.text
        seen = []
        while not seen or seen[-1]["state"] in ("running", "waiting"):
            seen.append(client.get("/sheet/tcf/status").json())
            time.sleep(0.05)
        assert seen[-1]["state"] == "done" and seen[-1]["kind"] == "update", seen[-1]
        fractions = [s["fraction"] for s in seen if s["state"] in ("running", "done")]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0, fractions
        assert {s["phase"] for s in seen} >= {"Building the audio", "Checking the audio"}
        assert "The check passed." in seen[-1]["message"], seen[-1]["message"]
        assert "{fluids}" in (studio.root / "scripts" / "tcf.yaml").read_text("utf-8")


def test_speech_is_made_only_by_a_post_with_the_form_token(studio: Studio) -> None:
    """No other page can make the studio speak (or fill its cache) by a link or an
    <audio>: hearing a sentence is a POST with the form's token, like every action."""
    write_scripts(studio.root)
    sentence = "Test Condition Factsheet is a made-up condition."
    with studio.client() as client:
        assert client.get("/sheet/tcf/hear", params={"text": sentence}).status_code == 405
        refused = client.post("/sheet/tcf/hear", data={"text": sentence})
        assert refused.status_code == 403
        heard = client.post(
            "/sheet/tcf/hear", data={"csrf": studio.csrf, "text": sentence, "word": "made-up"}
        )
        assert heard.status_code == 200, heard.text
        audio = re.search(r'src="data:audio/wav;base64,([^"]+)"', heard.text)
        assert audio and len(base64.b64decode(audio.group(1))) > 20_000
        words = client.get("/sheet/tcf/words").text
        assert 'action="/sheet/tcf/hear"' in words and "/hear?" not in words


def test_a_lexicon_entry_is_heard_before_it_is_saved(studio: Studio) -> None:
    """The lexicon page's "Hear it first": three takes of the word in a sentence of a
    factsheet that holds it, what the recogniser heard, and nothing saved until Save."""
    lexicon = studio.root / "content" / "lexicon.yaml"
    before = lexicon.read_text("utf-8")
    with studio.client() as client:
        page = client.get("/lexicon").text
        assert 'formaction="/lexicon/try"' in page
        tried = client.post(
            "/lexicon/try",
            data={"csrf": studio.csrf, "term": "fluids", "say": "FLOO-idz", "note": "plural"},
        )
        assert tried.status_code == 200, tried.text
        assert tried.text.count("data:audio/wav;base64,") == 3
        assert "IV fluids may be given." in html.unescape(tried.text)  # the factsheet's sentence
        assert re.search(r"heard</span>: fluids, in [0-3] of 3 takes", tried.text, re.I)
        assert 'name="back" value="/lexicon"' in tried.text and "Back to the lexicon" in tried.text
        assert lexicon.read_text("utf-8") == before  # heard, not saved
        nobody = client.post(
            "/lexicon/try",
            data={"csrf": studio.csrf, "term": "fluids", "say": "x", "language": "es"},
        )
        assert nobody.status_code == 400 and "no factsheet of this project is in" in nobody.text


# ------------------------------------------------------------------ the journey


def axe_clean(page: object) -> list[tuple[str, str]]:
    import axe_playwright_python

    axe = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
    # Through the DevTools protocol: the studio's pages allow no inline script (CSP).
    session = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    session.send("Runtime.evaluate", {"expression": axe})
    session.detach()
    result = page.evaluate(  # type: ignore[attr-defined]
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [(v["id"], v["help"]) for v in result["violations"]]


def test_the_whole_journey_in_chromium(
    tmp_path: Path, browser: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from imnm_audio.content import load_factsheet

    root = empty_project(tmp_path / "project")
    content = root / "content"
    pdf = leaflet_pdf(tmp_path, "Test condition leaflet.pdf")
    studio = Studio(root)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(f"{studio.base}/?token={studio.token}")
        assert page.url == f"{studio.base}/"
        assert axe_clean(page) == []
        page.get_by_label("PDF, Word (.docx) or saved web page (.html)").set_input_files(str(pdf))
        page.get_by_role("button", name="Import the document").click()
        page.wait_for_url(re.compile(r"/sheet/[a-z0-9-]+\?imported=1$"))
        slug = page.url.split("/sheet/")[1].split("?")[0]
        assert "Imported." in page.get_by_role("status").inner_text()
        assert axe_clean(page) == []
        page.screenshot(path=str(ARTIFACTS / "details.png"), full_page=False)

        # Fill in what the importer could not find, and save.
        assert page.get_by_text("The import could not find it").count() >= 1
        filled = {}
        for label, value in {
            "Address of the original": "https://example.org/tcf",
            "Summary": "A short factsheet used by the tests.",
            "Organisation": "Test Charity",
            "Date published": "2026-01-15",
            "Language": "en-US",
        }.items():
            box = page.get_by_label(label, exact=True)
            if not box.input_value():
                box.fill(value)
                filled[label] = value
        assert filled  # the importer left placeholders, and they were filled here
        page.get_by_role("button", name="Save the details").click()
        page.wait_for_url(re.compile(r"\?saved=1$"))
        factsheet = load_factsheet(content / slug / "factsheet.md")  # what the CLI reads
        meta = factsheet.meta
        shown = {
            "Address of the original": meta.source_url,
            "Summary": meta.summary,
            "Organisation": meta.organisation,
            "Date published": meta.published,
            "Language": meta.language,
        }
        assert {k: shown[k] for k in filled} == filled
        assert "TODO (import)" not in (content / slug / "factsheet.md").read_text()

        page.get_by_role("button", name="Make the script", exact=True).click()
        page.wait_for_url(re.compile(r"#words$"))
        assert (root / "scripts" / f"{slug}.yaml").is_file()

        # Hear a word to review in its sentence, try a respelling, save it.
        page.get_by_role("link", name="listen to the words to review").click()
        assert axe_clean(page) == []
        word = page.get_by_role("region", name="Factsheet")
        word.get_by_role("button", name="Hear the sentence as the voice says it now").click()
        page.get_by_role("heading", name="“Factsheet” as the voice says it now").wait_for()
        assert axe_clean(page) == []
        duration = page.locator("audio").evaluate(
            "a => new Promise((ok, no) => { a.onloadedmetadata = () => ok(a.duration); "
            "a.onerror = () => no('error'); a.load(); })"
        )
        assert duration > 0.5  # synthesised on demand, and a browser can play it
        page.get_by_label("How “factsheet” sounds").fill("FAKT-sheet")
        page.get_by_role("button", name="Try “factsheet”").click()
        page.get_by_role("heading", name="“factsheet” said as “FAKT-sheet”").wait_for()
        assert re.search(
            r"factsheet, in [0-3] of 3 takes", page.get_by_role("status").inner_text(), re.I
        )
        assert page.locator("audio").count() == 3
        take = page.locator("audio").first.evaluate(
            "a => new Promise((ok, no) => { a.onloadedmetadata = () => ok(a.duration); "
            "a.onerror = () => no('error'); a.load(); })"
        )
        assert take > 0.5  # each take plays (its page's policy lets it)
        assert axe_clean(page) == []
        page.screenshot(path=str(ARTIFACTS / "try.png"), full_page=False)
        page.get_by_role("button", name="Save to lexicon").click()
        page.wait_for_url(re.compile(r"/words\?saved=factsheet$"))
        assert "Saved to the lexicon: factsheet" in page.get_by_role("status").inner_text()
        from imnm_audio.content.lexicon import load_lexicon

        entry = next(
            t for t in load_lexicon(content / "lexicon.yaml").terms if t.term == "factsheet"
        )
        assert entry.say == "FAKT-sheet" and "Tried in the studio" in (entry.note or "")
        page.get_by_role("link", name="Back to").click()
        assert "script out of date" in page.get_by_role("status").inner_text()
        page.get_by_role("button", name="Make the script", exact=True).click()
        page.wait_for_url(re.compile(r"#words$"))

        page.get_by_role("button", name="Build the audio", exact=True).click()
        page.wait_for_url(re.compile(r"/progress$"))
        assert axe_clean(page) == []
        status = page.get_by_role("status")
        status.filter(has_text="Finished").wait_for(timeout=240_000)
        assert int(page.locator("#bar").get_attribute("max") or 0) > 0
        page.screenshot(path=str(ARTIFACTS / "progress.png"), full_page=False)

        page.get_by_role("link", name=f"Back to {slug}").click()
        mp3 = root / "audio" / slug / f"{slug}.mp3"
        assert mp3.is_file()
        player = page.locator("audio")
        assert player.get_attribute("src") == f"/audio/{slug}/{slug}.mp3"
        # The player can fetch and seek the episode (a byte range comes back).
        ranged = page.request.get(
            f"{studio.base}/audio/{slug}/{slug}.mp3", headers={"Range": "bytes=100-199"}
        )
        assert ranged.status == 206 and ranged.body() == mp3.read_bytes()[100:200]
        assert axe_clean(page) == []

        page.get_by_role("button", name="Check the audio (proof-listen)").click()
        page.get_by_role("status").filter(has_text="Finished").wait_for(timeout=240_000)
        assert "The check passed." in page.get_by_role("status").inner_text()
        page.get_by_role("link", name=f"Back to {slug}").click()
        assert "checked: passed" in page.get_by_role("status").inner_text()
        assert page.get_by_role("heading", name="What the check heard").is_visible()
        # Passed: nothing "did not pass"; what passed is in plain words, its technical
        # figures (LUFS, dBTP, CTOC) folded away until asked for.
        assert page.get_by_role("heading", name="What did not pass").count() == 0
        summary = page.locator("details summary")
        assert re.fullmatch(r"\d+ other things checked, all passed", summary.inner_text())
        visible = page.locator("main").inner_text()
        assert "LUFS" not in visible and "Podcast apps can list the chapters" not in visible
        summary.click()
        opened = page.locator("main").inner_text()
        assert "Podcast apps can list the chapters: passed" in opened and "LUFS" in opened
        assert axe_clean(page) == []
        page.screenshot(path=str(ARTIFACTS / "checked.png"), full_page=False)

        page.get_by_role("link", name="Publish").click()
        assert page.get_by_role("heading", name="Publish", exact=True).is_visible()
        episodes = page.get_by_role("heading", name="Episodes in the feed")
        assert episodes.is_visible() and page.get_by_role("link", name=factsheet.meta.title).count()
        assert "feed.xml" in page.locator("main").inner_text()
        assert "example address" in page.locator("main").inner_text()  # the test's base_url
        assert axe_clean(page) == []
        page.screenshot(path=str(ARTIFACTS / "publish.png"), full_page=False)
    finally:
        context.close()
        studio.stop()
    # What is on disk is what the command line makes: its scripts are up to date and a
    # build from the command line has nothing to do.
    from imnm_audio.cli import main

    folders = ["--content", str(content), "--scripts", str(root / "scripts")]
    assert main(["script", "--check", "-q", *folders]) == 0
    capsys.readouterr()
    cache = ["--out", str(root / "audio"), "--cache", str(root / ".cache" / "imnm-audio")]
    assert main(["build", *folders, *cache]) == 0
    said = capsys.readouterr().out
    assert f"{slug}: up to date" in said, said  # (the sheet is too short for a hold line)


def wait_in_page(page: object, expression: str, timeout: float = 10) -> None:
    """Wait until `expression` is true in the page. Not `wait_for_function`: when the
    first look is false it polls with `eval`, which the studio's Content-Security-Policy
    forbids, so it failed whenever the page was a moment slow (`evaluate` is not
    subject to the page's policy)."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):  # type: ignore[attr-defined]
                return
        except PlaywrightError as err:  # the page is being replaced: look again
            if "context was destroyed" not in str(err):
                raise
        assert time.monotonic() < deadline, f"never true in the page: {expression}"
        time.sleep(0.05)


def tab_to(page: object, name: str, limit: int = 120) -> None:
    """Press Tab until the focused element's accessible text holds `name` (its label,
    text or value): only what a keyboard user can reach is reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        found = page.evaluate(  # type: ignore[attr-defined]
            """name => { const e = document.activeElement;
            // Focus on the page itself (before the first control, or after the last,
            // on its way round) is no control: its text is the whole page's.
            if (!e || e === document.body || e === document.documentElement) return false;
            const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
            const text = [label, e.innerText || '', e.getAttribute('aria-label') || '',
              e.tagName === 'BUTTON' ? e.textContent : ''].join(' ');
            return text.includes(name); }""",
            name,
        )
        if found:
            return
    raise AssertionError(f"'{name}' cannot be reached with the Tab key")


def choose_by_key(page: object) -> object:
    """Open the focused file field's chooser with the Space key, as a keyboard user
    does. Chromium opens a chooser only for a page whose window has the focus; with
    the earlier tests' pages in the same browser, the focus could still be moving to
    this one when the key was pressed, and the chooser never came (CI, 7 Dec 2026).
    So the key is pressed once the page has the focus, and again if it was lost."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        page.bring_to_front()  # type: ignore[attr-defined]
        wait_in_page(page, "document.hasFocus()")
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:  # type: ignore[attr-defined]
                page.keyboard.press("Space")  # type: ignore[attr-defined]
            return chooser.value
        except PlaywrightTimeout:
            continue
    raise AssertionError("the file field's chooser did not open from the keyboard")


def test_the_journey_by_keyboard_only(
    tmp_path: Path, browser: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The charity's bucket: a real S3-compatible server (moto's) on this computer, its
    # credentials in the studio's environment, as an operator would set them.
    from moto.server import ThreadedMotoServer

    web = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    web.start()
    host, port = web.get_host_and_port()
    for name, value in {
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    import s3fs

    s3fs.S3FileSystem(skip_instance_cache=True).mkdir("charity")
    web_url = f"http://{host}:{port}/charity/podcast/"  # the bucket, served path-style
    root = empty_project(tmp_path / "project")
    pdf = leaflet_pdf(tmp_path, "Keyboard leaflet.pdf")
    studio = Studio(root)
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    keys = page.keyboard
    try:
        page.goto(f"{studio.base}/?token={studio.token}")
        page.bring_to_front()  # the keyboard goes to the focused page (an earlier test's is closed)
        tab_to(page, "PDF, Word (.docx) or saved web page")
        choose_by_key(page).set_files(str(pdf))
        tab_to(page, "Import the document")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"\?imported=1$"))
        slug = page.url.split("/sheet/")[1].split("?")[0]

        # First saved with a mistake: the problems are listed where the focus goes, and
        # each links to its field, where it is fixed.
        tab_to(page, "Date published")
        keys.press("Control+A")
        keys.type("the 15th of January")
        tab_to(page, "Save the details")
        keys.press("Enter")
        wait_in_page(page, "document.activeElement.id === 'problems'")
        assert "Date published" in page.locator("#problems").inner_text()
        for label, value in {
            "Organisation": "Test Charity",
            "Date published": "2026-01-15",
            "Address of the original": "https://example.org/tcf",
            "Summary": "A short factsheet used by the tests.",
        }.items():
            tab_to(page, label)
            keys.press("Control+A")
            keys.type(value)
        tab_to(page, "Save the details")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"\?saved=1$"))
        tab_to(page, "Make the script")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"#words$"))

        tab_to(page, "listen to the words to review")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"/words$"))
        tab_to(page, "How “factsheet” sounds")
        keys.type("FAKT-sheet")
        keys.press("Enter")  # submits its form: Try
        page.get_by_role("heading", name="“factsheet” said as “FAKT-sheet”").wait_for()
        tab_to(page, "Save to lexicon")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"saved=factsheet$"))
        tab_to(page, "Back to")
        keys.press("Enter")
        page.wait_for_url(re.compile(rf"/sheet/{slug}$"))
        tab_to(page, "Make the script")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"#words$"))

        tab_to(page, "Build the audio")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"/progress$"))
        page.get_by_role("status").filter(has_text="Finished").wait_for(timeout=240_000)
        tab_to(page, f"Back to {slug}")
        keys.press("Enter")
        page.wait_for_url(re.compile(rf"/sheet/{slug}$"))
        tab_to(page, "Check the audio (proof-listen)")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"/progress$"))
        page.get_by_role("status").filter(has_text="Finished").wait_for(timeout=240_000)
        assert "The check passed." in page.get_by_role("status").inner_text()
        tab_to(page, f"Back to {slug}")
        keys.press("Enter")
        page.wait_for_url(re.compile(rf"/sheet/{slug}$"))
        assert "checked: passed" in page.get_by_role("status").inner_text()
        tab_to(page, "Publish")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"/publish$"))
        assert page.get_by_role("heading", name="Episodes in the feed").is_visible()
        # The show's settings, by keyboard, from the to-do list's first item: the
        # address the podcast is served at (a web server on this computer), the
        # owner's email, and where Publish sends the files (the folder it serves).
        tab_to(page, "is an example address")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"/settings#base_url$"))
        for label, value in {
            "Where the audio will be published": web_url,
            "Owner's email": "audio@test-charity.org",
            "Where Publish sends the audio": "s3://charity/podcast",
            "Who may read the files (S3 only)": "public-read",
        }.items():
            tab_to(page, label)
            keys.press("Control+A")
            keys.type(value)
        tab_to(page, "Save the settings")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"/publish\?saved=1$"))
        assert "example address" not in page.get_by_role("main").inner_text()
        # Publish, by keyboard, and the feed read back over HTTP.
        tab_to(page, "Build what is out of date, check, and publish")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"/publish/progress$"))
        page.get_by_role("status").filter(has_text="Finished").wait_for(timeout=240_000)
        assert "Read back as a podcast app does" in page.get_by_role("status").inner_text()
        import feedparser

        feed = feedparser.parse(httpx.get(web_url + "feed.xml").content)
        assert [e.enclosures[0].href for e in feed.entries] == [f"{web_url}{slug}/{slug}.mp3"]
        tab_to(page, "Factsheets")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"/$"))
        tab_to(page, "Test Condition Factsheet (TCF)")
        keys.press("Enter")
        page.wait_for_url(re.compile(rf"/sheet/{slug}$"))
        tab_to(page, "Listen: the episode's page")
        keys.press("Enter")
        page.wait_for_url(re.compile(rf"/audio/{slug}/index.html$"))
        assert page.locator("audio").count() >= 1
        assert (root / "audio" / slug / f"{slug}.mp3").is_file()
    finally:
        context.close()
        studio.stop()
        web.stop()


# ------------------------------------------------------------------ the other pages


def test_a_new_factsheet_is_written_then_its_text_saved(studio: Studio) -> None:
    with studio.client() as client:
        bad = client.post("/new", data={"csrf": studio.csrf, "slug": "../x", "title": "X"})
        assert bad.status_code == 400 and "lower-case letters" in bad.text
        taken = client.post("/new", data={"csrf": studio.csrf, "slug": "tcf", "title": "X"})
        assert taken.status_code == 400 and "already a factsheet" in taken.text
        made = client.post(
            "/new",
            data={
                "csrf": studio.csrf,
                "slug": "ibm",
                "title": "Inclusion body myositis",
                "language": "en-GB",
            },
            follow_redirects=False,
        )
        assert made.status_code == 303 and made.headers["location"] == "/sheet/ibm/text?new=1"
        path = studio.root / "content" / "ibm" / "factsheet.md"
        front = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        body = "# Inclusion body myositis\n\n## What is IBM?\n\nA muscle disease.\n"
        saved = client.post(
            "/sheet/ibm/text",
            data={"csrf": studio.csrf, "body": body.replace("\n", "\r\n")},
            follow_redirects=False,
        )
        assert saved.status_code == 303
        text = path.read_text(encoding="utf-8")
        assert text == front + "\n---\n" + body  # the details kept byte for byte
        # Its details are still to fill in: the list says so, with the loader's words.
        listed = client.get("/").text
        assert "Inclusion body myositis" in listed and "needs a fix" in listed


def test_publish_lists_what_is_still_to_do(studio: Studio) -> None:
    """The to-do list: example addresses, each factsheet's next step (a script to make,
    a failed check...), each linked to where it is done; a factsheet an import left
    unfinished is an item, not an error in place of the page."""
    unfinished = studio.root / "content" / "half" / "factsheet.md"
    unfinished.parent.mkdir()
    unfinished.write_text("---\ntitle: Half done\nlanguage: [\n---\n# Half\n\nText.\n", "utf-8")
    with studio.client() as client:
        answer = client.get("/publish")
    assert answer.status_code == 200, answer.text
    items = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html.unescape(answer.text))
    where = {href: text for href, text in items}
    assert where["/settings#base_url"].startswith("Where the audio will be published"), items
    assert where["/settings#owner.email"].startswith("The owner's email"), items
    assert where["/sheet/tcf"] == "Test Condition Factsheet (TCF): its script is not made yet."
    assert "details" in where["/sheet/half"], items
    assert "No episode is built yet" in answer.text
    assert "https://example.org/audio/feed.xml" in answer.text


def test_the_show_settings_are_edited_with_every_problem_at_once(studio: Studio) -> None:
    settings = studio.root / "content" / "podcast.yaml"
    settings.write_text(
        settings.read_text("utf-8").replace("owner:\n", "owner:\n  # who directories contact\n"),
        "utf-8",
    )
    before = settings.read_bytes()
    with studio.client() as client:
        shown = client.get("/settings").text
        assert 'value="owner@example.org"' in shown and 'id="owner.email"' in shown
        values = {
            "title": "Test Show",
            "description": "A show for tests.",
            "author": "Test Charity",
            "owner.name": "Test Charity",
            "owner.email": "nobody at all",
            "language": "english",
            "categories": "Health & Fitness > Medicine",
            "base_url": "www.test-charity.org/audio",
            "link": "https://test-charity.org/",
            "copyright": "",
        }
        refused = client.post("/settings", data={"csrf": studio.csrf, **values})
        assert refused.status_code == 400
        page = html.unescape(refused.text)
        assert "There are 3 problems with the settings: nothing was saved" in page
        for field in ("owner.email", "language", "base_url"):
            assert f'href="#{field}"' in page and f'id="{field}-error"' in page, field
        for word in ("yaml", "podcast.yaml", str(studio.root), "front matter"):
            assert word not in page.lower(), word
        assert settings.read_bytes() == before  # nothing written
        values.update(
            {
                "owner.email": "audio@test-charity.org",
                "language": "en-GB",
                "base_url": "https://test-charity.org/audio/",
            }
        )
        saved = client.post("/settings", data={"csrf": studio.csrf, **values})
        assert saved.status_code == 303 and saved.headers["location"] == "/publish?saved=1"
        after = client.get("/publish?saved=1").text
    text = settings.read_text("utf-8")
    assert "  # who directories contact\n" in text  # its comments kept
    assert "voice:\n  engine: hibari" in text  # and every other setting
    podcast = load_podcast(settings)
    assert (podcast.owner_email, podcast.language) == ("audio@test-charity.org", "en-GB")
    assert podcast.base_url == "https://test-charity.org/audio/"
    assert "The show's settings are saved." in after
    assert "example address" not in after


def test_publish_from_the_studio_builds_what_is_behind_checks_and_sends(
    studio: Studio, tmp_path: Path
) -> None:
    """The publish page's one action: the factsheet out of date made, built and
    checked, then the podcast sent to the target set in the show's settings and read
    back over HTTP as a podcast app reads it."""
    from imnm_audio.serve import serve_in_background

    www = tmp_path / "www"
    www.mkdir()
    server, url = serve_in_background(www)
    try:
        with studio.client() as client:
            assert "Where Publish sends the audio is not set yet" in client.get("/publish").text
            values = show_values(load_podcast(studio.root / "content" / "podcast.yaml"))
            values.update({"base_url": url, "publish.target": f"file://{www}"})
            saved = client.post("/settings", data={"csrf": studio.csrf, **values})
            assert saved.status_code == 303, saved.text
            page = client.get("/publish").text
            assert "Build what is out of date, check, and publish" in page
            started = client.post("/publish", data={"csrf": studio.csrf})
            assert started.status_code == 303
            assert started.headers["location"] == "/publish/progress"
            assert "Publishing of the podcast" in client.get("/publish/progress").text
            deadline = time.monotonic() + 300
            while (status := client.get("/publish/status").json())["state"] in ACTIVE_STATES:
                assert time.monotonic() < deadline, status
                time.sleep(0.3)
        assert status["state"] == "done", status
        assert "Read back as a podcast app does: the feed and 1 episode(s)" in status["message"]
        assert (www / "feed.xml").is_file() and (www / "tcf" / "tcf.mp3").is_file()
        assert f'url="{url}tcf/tcf.mp3"' in (www / "feed.xml").read_text()
    finally:
        server.shutdown()


def test_the_lexicon_page_finds_and_saves_an_entry(studio: Studio) -> None:
    with studio.client() as client:
        found = client.get("/lexicon", params={"q": "tcf"}).text
        assert "1 entry with “tcf”" in found and 'value="T C F"' in found
        saved = client.post(
            "/lexicon",
            data={
                "csrf": studio.csrf,
                "term": "TCF",
                "say": "tee see eff",
                "note": "by ear",
                "back": "https://evil.example/",
            },
            follow_redirects=False,
        )
        assert saved.status_code == 303 and saved.headers["location"] == "/lexicon?saved=TCF"
        refused = client.post("/lexicon", data={"csrf": studio.csrf, "term": "TCF", "say": "TODO"})
        assert refused.status_code == 400 and "TODO" in refused.text
    from imnm_audio.content.lexicon import load_lexicon

    terms = {t.term: t for t in load_lexicon(studio.root / "content" / "lexicon.yaml").terms}
    assert (terms["TCF"].say, terms["TCF"].note) == ("tee see eff", "by ear")


def test_the_lexicon_page_adds_and_takes_out_a_word_and_names_the_sheets_it_changes(
    studio: Studio,
) -> None:
    from imnm_audio.content.lexicon import load_lexicon

    write_scripts(studio.root)
    lexicon = studio.root / "content" / "lexicon.yaml"
    with studio.client() as client:
        added = client.post(
            "/lexicon",
            data={"csrf": studio.csrf, "term": "fluids", "say": "FLOO-idz", "back": "/lexicon"},
            follow_redirects=True,
        )
        assert added.status_code == 200  # followed to the lexicon page
        page = html.unescape(added.text)
        assert "Saved: fluids." in page
        # The factsheet that says "fluids" now says it another way: named, with its link.
        assert re.search(r"changes what 1 factsheet says: <a href=\"/sheet/tcf\">", page)
        assert "fluids" in [t.term for t in load_lexicon(lexicon).terms]
        removed = client.post(
            "/lexicon/remove",
            data={"csrf": studio.csrf, "term": "fluids", "language": "en"},
            follow_redirects=True,
        )
        assert removed.status_code == 200 and "Taken out: fluids." in removed.text
        assert "fluids" not in [t.term for t in load_lexicon(lexicon).terms]
        assert "No factsheet's script changes." in removed.text  # back as it was made
        again = client.post(
            "/lexicon/remove", data={"csrf": studio.csrf, "term": "fluids", "language": "en"}
        )
        assert again.status_code == 400 and "no entry for 'fluids'" in html.unescape(again.text)


def test_the_command_prints_its_address_and_refuses_a_folder_without_content(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    empty = subprocess.run(
        [sys.executable, "-m", "imnm_audio", "studio", "--project", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert empty.returncode == 2 and "no content folder" in empty.stderr
    root = write_project(tmp_path / "p", FACTSHEET, HIBARI_PODCAST, LEXICON)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Its output goes to a pipe, as to a program that starts it, with Python's own
    # buffering: the address must still arrive while the studio runs.
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    server = subprocess.Popen(
        [sys.executable, "-m", "imnm_audio", "studio", "--project", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=buffered,
    )
    try:
        ready, _, _ = select.select([server.stdout], [], [], 60)
        assert ready, "the studio printed no address while it ran"
        line = server.stdout.readline()  # type: ignore[union-attr]
        match = re.search(rf"http://127\.0\.0\.1:{port}/\?token=(\S+)", line)
        assert match, line
        # The address is printed only once the port listens: with the studio frozen the
        # moment it prints, the computer still takes a connection for it (it had been
        # printed before the server started, and a quick reader was refused).
        os.kill(server.pid, signal.SIGSTOP)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        finally:
            os.kill(server.pid, signal.SIGCONT)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            assert client.get("/").status_code == 403
            assert client.get(f"/?token={match.group(1)}", follow_redirects=True).status_code == 200
        busy = subprocess.run(
            [
                sys.executable,
                "-m",
                "imnm_audio",
                "studio",
                "--project",
                str(root),
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert busy.returncode == 2 and "--port" in busy.stderr
    finally:
        server.terminate()
        server.wait(10)
    assert "plain HTTP" not in server.stderr.read()  # type: ignore[union-attr]
    # Started again at once on the same port (its last connections still closing), on
    # every address (allowed): it warns that what passes can be read on the network.
    remote = subprocess.Popen(
        [sys.executable, "-m", "imnm_audio", "studio", "--project", str(root),
         "--host", "0.0.0.0", "--allow-remote", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert f"http://127.0.0.1:{port}/?token=" in remote.stdout.readline()  # type: ignore[union-attr]
    finally:
        remote.terminate()
        remote.wait(10)
    assert "speaks plain HTTP" in remote.stderr.read()  # type: ignore[union-attr]


def test_the_import_workers_end_with_the_studio(tmp_path: Path) -> None:
    """Killed after an import (SIGKILL: nothing of its own shutdown runs, as when a
    machine's memory runs out or a service manager gives up waiting), the studio leaves
    none of its import worker processes behind. (With SIGTERM its own shutdown
    sometimes stopped them in time and sometimes not.)"""
    import subprocess
    import sys

    root = write_project(tmp_path / "p", FACTSHEET, HIBARI_PODCAST, LEXICON)
    pdf = leaflet_pdf(tmp_path, "other.pdf", FACTSHEET.replace("Test Condition", "Other"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "imnm_audio", "studio", "--project", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        token = re.search(r"token=(\S+)", server.stdout.readline()).group(1)  # type: ignore[union-attr]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            client.get(f"/?token={token}")
            answer = client.post(
                "/upload",
                data={"csrf": csrf_for(token), "slug": "other"},
                files={"document": ("other.pdf", pdf.read_bytes(), "application/pdf")},
            )
            assert answer.status_code == 303, answer.text
        children = [
            int(pid)
            for task in Path(f"/proc/{server.pid}/task").iterdir()
            for pid in (task / "children").read_text().split()
        ]
        assert children, "the import ran in no worker process"
    finally:
        server.kill()
        server.wait(30)
    deadline = time.monotonic() + 10
    left = children
    while left and time.monotonic() < deadline:
        left = [pid for pid in left if Path(f"/proc/{pid}").exists()]
        time.sleep(0.2)
    assert left == [], f"import workers left running after the studio stopped: {left}"


def test_every_page_is_axe_clean(studio: Studio, browser: object) -> None:

    write_scripts(studio.root)
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    refused: list[str] = []  # what the Content-Security-Policy blocked: nothing may be
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else 0)
    try:
        page.goto(f"{studio.base}/?token={studio.token}")
        for url in [
            "/",
            "/sheet/tcf",
            "/sheet/tcf/text",
            "/sheet/tcf/words",
            "/lexicon",
            "/lexicon?q=tcf",
            "/publish",
            "/settings",
            "/publish/progress",
            "/sheet/tcf/progress",
            "/sheet/nothing",
        ]:
            page.goto(studio.base + url)
            assert page.locator("h1").count() == 1, url
            assert axe_clean(page) == [], url
            # The style sheet applied (from /static, not inline): the skip link is off screen.
            assert page.locator(".skip").bounding_box()["x"] < 0, url  # type: ignore[index]
        assert refused == []
        # From the top of each page, its way back and its main action are within three
        # Tab stops (the skip link first).
        for url, wanted in [
            ("/", ["Add a factsheet"]),
            ("/sheet/tcf", ["Back to the factsheets", "Next: build the audio"]),
            ("/sheet/tcf/text", ["Back to", "Edit the text"]),
            ("/sheet/tcf/words", ["Back to"]),
            ("/lexicon", ["Back to the factsheets", "Add a word"]),
            ("/publish", ["Back to the factsheets", "Change the show's settings"]),
            ("/settings", ["Back to publishing"]),
            ("/sheet/tcf/progress", ["Back to"]),
        ]:
            page.goto(studio.base + url)
            stops = []
            for _ in range(3):
                page.keyboard.press("Tab")
                stops.append(page.evaluate("document.activeElement.textContent.trim()"))
            for name in wanted:
                assert any(stop.startswith(name) for stop in stops), (url, stops)
        # WCAG 1.4.10 reflow: at 320 px wide no page scrolls sideways (long words,
        # addresses and tables wrap).
        page.set_viewport_size({"width": 320, "height": 640})
        for url in ["/", "/sheet/tcf", "/sheet/tcf/text", "/sheet/tcf/words", "/lexicon",
                    "/publish", "/settings", "/sheet/tcf/progress"]:  # fmt: skip
            page.goto(studio.base + url)
            wide = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert wide <= 0, (url, wide)
            assert axe_clean(page) == [], url
        page.set_viewport_size({"width": 1280, "height": 720})
        # An error beside its field is still clean, and tied to the field.
        page.goto(studio.base + "/sheet/tcf")
        page.get_by_label("Language", exact=True).fill("english please")
        page.get_by_role("button", name="Save the details").click()
        field = page.get_by_label("Language", exact=True)
        # The focus is on the list of problems (a screen reader reads it), which links
        # to the field.
        wait_in_page(page, "document.activeElement.id === 'problems'")
        assert field.get_attribute("aria-invalid") == "true"
        assert "language-error" in (field.get_attribute("aria-describedby") or "")
        assert axe_clean(page) == []
        # The pages an action answers with: a sentence heard, a word heard before it is
        # saved, a word saved (with the factsheets it touches and their button).
        page.goto(studio.base + "/sheet/tcf/words")
        page.get_by_role("button", name="Hear the sentence as the voice says it now").first.click()
        page.wait_for_url(re.compile(r"/hear$"))
        assert axe_clean(page) == []
        page.goto(studio.base + "/lexicon")
        page.get_by_label("The word, as the factsheets print it").fill("fluids")
        page.get_by_label("How it sounds").fill("FLOO-idz")
        page.get_by_role("button", name="Hear it first").click()
        page.wait_for_url(re.compile(r"/lexicon/try$"))
        assert axe_clean(page) == []
        page.get_by_role("button", name="Save to lexicon").click()
        page.wait_for_url(re.compile(r"/lexicon\?saved="))
        assert page.get_by_role("button", name="Make its script again, build and check").count()
        assert axe_clean(page) == []
    finally:
        context.close()


def test_a_document_imported_twice_asks_for_a_short_name_of_its_own(
    studio: Studio, tmp_path: Path
) -> None:
    other = FACTSHEET.replace("Test Condition", "Other Condition")
    pdf = leaflet_pdf(tmp_path, "other.pdf", other).read_bytes()
    with studio.client() as client:

        def upload(slug: str = "") -> httpx.Response:
            return client.post(
                "/upload",
                data={"csrf": studio.csrf, "slug": slug},
                files={"document": ("other.pdf", pdf, "application/pdf")},
            )

        # Its short title is TCF, and a factsheet 'tcf' is already there.
        clash = upload()
        assert clash.status_code == 400
        assert "give the document a short name of its own" in clash.text
        assert "--slug" not in clash.text and "--force" not in clash.text
        named = upload("other-copy")
        assert named.status_code == 303 and "/sheet/other-copy?" in named.headers["location"]
        again = upload("other-copy")
        assert again.status_code == 400
        assert "called 'other-copy' is already here" in html.unescape(again.text)
        bad = upload("../etc")
        assert bad.status_code == 400 and "cannot be used as a slug" in bad.text
    assert sorted(p.name for p in (studio.root / "content").iterdir() if p.is_dir()) == [
        "other-copy",
        "tcf",
    ]


def test_the_factsheet_page_shows_the_sections_found_and_what_to_check(
    studio: Studio, tmp_path: Path
) -> None:
    """Issue 46, item 4: an imported document of 500 words with no heading the import
    could find, titled only by its file name: the factsheet page lists its one section
    and both warnings, and each warning goes when a person has dealt with it."""
    from test_import_faithful import plain_pdf

    pdf = plain_pdf(tmp_path / "Acid_and_chemical_burns.pdf").read_bytes()
    with studio.client() as client:
        answer = client.post(
            "/upload",
            data={"csrf": studio.csrf, "slug": "burns"},
            files={"document": ("Acid_and_chemical_burns.pdf", pdf, "application/pdf")},
        )
        assert answer.status_code == 303
        page = html.unescape(client.get(answer.headers["location"]).text)
        assert "see the 2 things to check under Sections" in page
        assert "1 section, each a chapter a listener can move to" in page
        assert "<li>(the opening, its heading to write)</li>" in page
        assert "Check:</strong> this document of 500 words gave one section" in page
        assert "the title 'Acid and chemical burns' came from the file's name" in page
        # Headings written in: the sections are listed, and that warning goes.
        path = studio.root / "content" / "burns" / "factsheet.md"
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        lines = [ln for ln in body.splitlines() if ln and not ln.startswith("#")]
        half = len(lines) // 2
        text = "\n\n".join(
            ["# Acid and chemical burns", "## What to do first", "\n".join(lines[:half]),
             "## Getting help", "\n".join(lines[half:])]
        ) + "\n"  # fmt: skip
        saved = client.post("/sheet/burns/text", data={"csrf": studio.csrf, "body": text})
        assert saved.status_code == 303
        page = html.unescape(client.get("/sheet/burns").text)
        assert "<li>What to do first</li>\n<li>Getting help</li>" in page
        assert "gave one section" not in page and "came from the file's name" in page
        # The details saved by a person, the title before them and kept: it was checked.
        details = {
            "csrf": studio.csrf,
            "title": "Acid and chemical burns",
            "short_title": "Burns",
            "organisation": "A charity",
            "language": "en-GB",
            "published": "2026-02-01",
            "source_url": "https://example.org/burns",
            "summary": "What to do about a burn.",
        }
        assert client.post("/sheet/burns", data=details).status_code == 303
        page = html.unescape(client.get("/sheet/burns").text)
        assert "Check:" not in page and "<li>Getting help</li>" in page
