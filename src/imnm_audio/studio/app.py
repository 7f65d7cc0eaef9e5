"""The studio's web application: pages over the same stages the command line calls.

Every route is a thin caller: importing is `import_document`, a script is
`write_script`, a build is `build`, a check is `check_episode`; the details form is
validated by `parse_meta`. Nothing here has a rule of its own.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import __version__
from ..content.lexicon_edit import remove_entry
from ..content.settings import load_podcast
from ..content.settings_edit import SHOW_FIELDS, set_show_fields, show_problems, show_values
from ..errors import ImnmError
from ..importer.limits import MAX_FILE_BYTES
from ..pipeline import write_scripts
from .jobs import SHOW, Job, Jobs, build_work, check_work, publish_work, update_work
from .security import CSRF_FIELD, TokenMiddleware, csrf_for
from .sheets import (
    DETAILS,
    Paths,
    details_of,
    findings_of,
    new_factsheet,
    save_details,
    save_text,
    sheet_state,
    sheet_states,
    text_of,
)
from .words import (
    Busy,
    Speech,
    check_results,
    lexicon_entries,
    publish_summary,
    save_to_lexicon,
    words_to_review,
)

UPLOAD_TYPES = (".pdf", ".docx", ".html", ".htm")
# The largest file the importer takes, and room for the form around it.
BODY_LIMIT = max(MAX_FILE_BYTES.values()) + 64 * 1024
STATIC_DIR = Path(__file__).with_name("static")
STATIC = {"studio.css": "text/css; charset=utf-8", "progress.js": "text/javascript; charset=utf-8"}
# Imports run in worker processes, never on the server's event loop (a 45 MB PDF held
# every page for 45 s): at most IMPORT_WORKERS at once, and at most IMPORTS_WAITING
# more waiting; another upload is asked to come back.
IMPORT_WORKERS = 2
IMPORTS_WAITING = 4


def import_in_worker(source: Path, content: Path, slug: str | None) -> tuple[str, str]:
    """Run in a worker process: ("ok", the new factsheet's slug) or ("error", the
    message), so nothing but strings crosses between the processes."""
    from ..importer import import_document

    try:
        done = import_document(source, content, slug)
    except ImnmError as err:
        return "error", err.render()
    return "ok", done.path.parent.name


AUDIO_FILES = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)*\.(mp3|vtt|srt|html|json|txt|md|png|jpg|xml|epub|zip)$"
)


SheetHandler = Callable[[Request, str, Path], Awaitable[Response]]


async def form_of(request: Request) -> dict[str, str]:
    """A form's text fields (an upload's file is read where it is wanted)."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def end_with_the_studio() -> None:
    """In an import worker: be stopped when the studio's process ends, however it ends
    (SIGTERM from a service manager, a closed terminal, SIGKILL), so no worker is left
    behind holding its memory. Linux's parent-death signal; elsewhere the pool's own
    shutdown at the studio's end is all there is."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the studio ended before the signal was asked for
            os._exit(0)


def make_app(root: Path, token: str, hosts: set[str]) -> Starlette:
    paths = Paths(root.resolve())
    jobs = Jobs()
    speech = Speech(paths.root, jobs)
    templates = Environment(
        loader=PackageLoader("imnm_audio.studio", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    csrf = csrf_for(token)

    def page(name: str, request: Request, status: int = 200, **values: Any) -> HTMLResponse:
        html = templates.get_template(name).render(
            csrf=csrf, csrf_field=CSRF_FIELD, version=__version__, path=request.url.path, **values
        )
        return HTMLResponse(html, status_code=status)

    def message(
        request: Request, status: int, title: str, text: str, back: str | None = None
    ) -> HTMLResponse:
        return page("message.html", request, status, title=title, text=text, back=back)

    def for_sheet(handler: SheetHandler) -> Callable[[Request], Awaitable[Response]]:
        """A route about one factsheet: its slug checked (no path outside content/) and
        its file found, else 404."""

        async def route(request: Request) -> Response:
            slug = request.path_params["slug"]
            try:
                path = paths.factsheet(slug)
            except LookupError:
                text = f"There is no factsheet called '{slug}' in this project."
                return message(request, 404, "No such factsheet", text)
            return await handler(request, slug, path)

        return route

    def index_page(request: Request, status: int = 200, **values: Any) -> HTMLResponse:
        values.setdefault("job", jobs.current.as_dict() if jobs.current else None)
        return page("index.html", request, status, sheets=sheet_states(paths), **values)

    def sheet_page(
        request: Request, slug: str, path: Path, status: int = 200, **values: Any
    ) -> HTMLResponse:
        shown, hints = details_of(path)
        shown.update(values.pop("form", {}))
        job = jobs.for_slug(slug)
        values = {
            "errors": {},
            "saved": request.query_params.get("saved") == "1",
            "imported": request.query_params.get("imported") == "1",
            "job": job.as_dict() if job else None,
            "results": check_results(paths, slug),
            **values,
        }
        state = sheet_state(paths, slug)
        return page(
            "sheet.html",
            request,
            status,
            slug=slug,
            state=state,
            findings=findings_of(path),
            details=DETAILS,
            values=shown,
            hints=hints,
            **values,
        )

    def text_page(
        request: Request, slug: str, body: str, status: int = 200, error: str = ""
    ) -> HTMLResponse:
        return page(
            "text.html",
            request,
            status,
            slug=slug,
            state=sheet_state(paths, slug),
            body=body,
            error=error,
            saved=request.query_params.get("saved") == "1",
            new=request.query_params.get("new") == "1",
        )

    # ------------------------------------------------------------ factsheets

    async def index(request: Request) -> Response:
        return index_page(request, note=request.query_params.get("note", ""))

    pool: list[ProcessPoolExecutor] = []
    importing = [0]  # uploads being imported or waiting for a worker

    def import_pool() -> ProcessPoolExecutor:
        """The import workers, started at the first upload ("spawn": the server has
        threads, which a forked child would copy mid-flight)."""
        if not pool:
            context = multiprocessing.get_context("spawn")
            pool.append(
                ProcessPoolExecutor(
                    IMPORT_WORKERS, mp_context=context, initializer=end_with_the_studio
                )
            )
        return pool[0]

    async def upload(request: Request) -> Response:
        form = await request.form()
        upload = form.get("document")
        if upload is None or isinstance(upload, str) or not upload.filename:
            error = "Choose a PDF, Word (.docx) or saved web page (.html) file."
            return index_page(request, 400, upload_error=error)
        name = Path(upload.filename).name
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_TYPES:
            error = (
                f"'{name}' is not a PDF, Word (.docx) or web page (.html) file. Save the "
                "document in one of those and upload it again."
            )
            return index_page(request, 400, upload_error=error)
        safe = re.sub(r"[^A-Za-z0-9._ -]+", "-", Path(name).stem).strip(" .-") or "document"
        given = form.get("slug")
        slug = given.strip() if isinstance(given, str) and given.strip() else None
        folder = Path(tempfile.mkdtemp(prefix="imnm-studio-"))
        try:
            source = folder / f"{safe}{suffix}"
            with source.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            if importing[0] >= IMPORT_WORKERS + IMPORTS_WAITING:
                error = (
                    f"The studio is importing {importing[0]} "
                    f"document{'s' if importing[0] != 1 else ''} already. Wait until "
                    "one has finished, then upload this one again."
                )
                return index_page(request, 503, upload_error=error)
            importing[0] += 1
            try:
                loop = asyncio.get_running_loop()
                outcome, said = await loop.run_in_executor(
                    import_pool(), import_in_worker, source, paths.content, slug
                )
            finally:
                importing[0] -= 1
            if outcome == "error":
                error = said.replace(str(folder) + "/", "")
                if "importing would overwrite it" in error:  # the command says --slug
                    here = (
                        f"A factsheet called '{slug}'"
                        if slug
                        else ("A factsheet made from this document")
                    )
                    error = (
                        f"{here} is already here: give the document a short name of its own "
                        "below, and import it again."
                    )
                return index_page(request, 400, upload_error=error)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return RedirectResponse(f"/sheet/{said}?imported=1", status_code=303)

    async def create(request: Request) -> Response:
        form = await form_of(request)
        slug = form.get("slug", "").strip()
        language = form.get("language", "").strip()
        problem = new_factsheet(paths, slug, form.get("title", ""), language)
        if problem:
            return index_page(request, 400, job=None, new_error=problem, new_values=form)
        return RedirectResponse(f"/sheet/{slug}/text?new=1", status_code=303)

    @for_sheet
    async def sheet(request: Request, slug: str, path: Path) -> Response:
        return sheet_page(request, slug, path)

    @for_sheet
    async def save_sheet(request: Request, slug: str, path: Path) -> Response:
        form = await form_of(request)
        errors = save_details(path, form)
        if errors:
            typed = {d.name: form.get(d.name, "") for d in DETAILS}
            return sheet_page(
                request,
                slug,
                path,
                400,
                form=typed,
                errors=errors,
                saved=False,
                imported=False,
                job=None,
                results=None,
            )
        return RedirectResponse(f"/sheet/{slug}?saved=1", status_code=303)

    @for_sheet
    async def text(request: Request, slug: str, path: Path) -> Response:
        return text_page(request, slug, text_of(path))

    @for_sheet
    async def save_body(request: Request, slug: str, path: Path) -> Response:
        body = (await form_of(request)).get("body", "")
        error = save_text(path, body)
        if error:
            return text_page(request, slug, body, 400, error)
        return RedirectResponse(f"/sheet/{slug}/text?saved=1", status_code=303)

    @for_sheet
    async def make_script(request: Request, slug: str, path: Path) -> Response:
        from ..content import load_project

        try:
            project = load_project(paths.content, [slug])
            write_scripts(project, project.factsheets[0], paths.scripts)
        except ImnmError as err:
            return message(request, 400, "The script was not made", err.render(), f"/sheet/{slug}")
        return RedirectResponse(f"/sheet/{slug}#words", status_code=303)

    # ------------------------------------------------------------ build and check

    work_of = {"build": build_work, "check": check_work, "update": update_work}

    def start(kind: str) -> SheetHandler:
        async def route(request: Request, slug: str, path: Path) -> Response:
            jobs.start(Job(kind, slug), work_of[kind](paths.root, slug))
            return RedirectResponse(f"/sheet/{slug}/progress", status_code=303)

        return route

    @for_sheet
    async def progress(request: Request, slug: str, path: Path) -> Response:
        return progress_page(request, slug)

    @for_sheet
    async def status(request: Request, slug: str, path: Path) -> Response:
        return job_status(slug)

    def progress_page(request: Request, key: str) -> HTMLResponse:
        """A job's progress: a factsheet's (by its slug) or the whole podcast's (SHOW)."""
        job = jobs.for_slug(key)
        before = jobs.waiting_for(job) if job else None
        return page(
            "progress.html",
            request,
            show=key == SHOW,
            slug="" if key == SHOW else key,
            job=job.as_dict() if job else None,
            before=before.as_dict() if before else None,
        )

    def job_status(key: str) -> JSONResponse:
        job = jobs.for_slug(key)
        return JSONResponse(job.as_dict() if job else {"state": "none"})

    def built_file(request: Request, file: Path, back: str) -> Response:
        # Never through a symbolic link: a link in audio/ (a file or a folder) could
        # point anywhere on the computer.
        parts = file.relative_to(paths.audio).parts
        linked = any(
            (paths.audio.joinpath(*parts[:n])).is_symlink() for n in range(1, 1 + len(parts))
        )
        if not AUDIO_FILES.match(file.name) or linked or not file.is_file():
            text = f"'{file.name}' has not been made yet."
            return message(request, 404, "Not built yet", text, back)
        return FileResponse(file)  # answers Range requests, so players can seek

    @for_sheet
    async def audio_file(request: Request, slug: str, path: Path) -> Response:
        return built_file(
            request, paths.audio / slug / request.path_params["name"], f"/sheet/{slug}"
        )

    async def show_file(request: Request) -> Response:
        """The show's own files beside the episodes: the feed, the library page, the
        cover (the episode pages link to them)."""
        return built_file(request, paths.audio / request.path_params["name"], "/")

    async def static_file(request: Request) -> Response:
        """The studio's style sheet and script (its pages allow no inline ones)."""
        name = request.path_params["name"]
        if name not in STATIC:
            return message(request, 404, "Not found", f"There is no '{name}'.", "/")
        return FileResponse(STATIC_DIR / name, media_type=STATIC[name])

    # ------------------------------------------------------------ words and lexicon

    @for_sheet
    async def words(request: Request, slug: str, path: Path) -> Response:
        return page(
            "words.html",
            request,
            slug=slug,
            state=sheet_state(paths, slug),
            words=words_to_review(paths, slug),
            saved=request.query_params.get("saved", ""),
        )

    @for_sheet
    async def hear(request: Request, slug: str, path: Path) -> Response:
        """A sentence of the factsheet as a build says it, made on demand (cached): a
        POST with the form's token, as everything that makes speech is, so no other
        page can make the studio speak (nor fill its cache) by a link or an <audio>."""
        form = await form_of(request)
        text, word = form.get("text", "")[:2000], form.get("word", "")[:200]
        back = f"/sheet/{slug}/words"
        if not text.strip():
            return message(request, 400, "Nothing to say", "There was no sentence.", back)
        try:
            wav = await run_in_threadpool(speech.hear, slug, text)
        except Busy as busy:
            return message(request, 409, "Please wait", str(busy), back)
        except ImnmError as err:
            return message(request, 400, "That could not be said", err.render(), back)
        audio = "data:audio/wav;base64," + base64.b64encode(wav).decode("ascii")
        found = next((w for w in words_to_review(paths, slug) if w["term"] == word), None)
        return page("heard.html", request, slug=slug, text=text, audio=audio, w=found)

    @for_sheet
    async def try_word(request: Request, slug: str, path: Path) -> Response:
        form = await form_of(request)
        term, say, text = form.get("term", ""), form.get("say", ""), form.get("text", "")
        back = f"/sheet/{slug}/words"
        try:
            tried = await run_in_threadpool(speech.try_respelling, slug, term, say, text)
        except Busy as busy:
            return message(request, 409, "Please wait", str(busy), back)
        except ImnmError as err:
            return message(request, 400, "That could not be tried", err.render(), back)
        return page(
            "tried.html",
            request,
            back=back,
            back_label="Back to the words to review",
            term=term,
            say=say,
            text=text,
            tried=tried,
        )

    async def lexicon_try(request: Request) -> Response:
        """An entry of the lexicon page heard before it is saved: three takes by the
        voice of a factsheet in its language, and what the recogniser heard."""
        form = await form_of(request)
        term, say = form.get("term", ""), form.get("say", "")
        language = form.get("language") or "en"
        try:
            tried, text = await run_in_threadpool(speech.try_entry, term, say, language)
        except Busy as busy:
            return message(request, 409, "Please wait", str(busy), "/lexicon")
        except ImnmError as err:
            return message(request, 400, "That could not be tried", err.render(), "/lexicon")
        return page(
            "tried.html",
            request,
            back="/lexicon",
            back_label="Back to the lexicon",
            term=term.strip(),
            say=" ".join(say.split()),
            language=language,
            note=form.get("note", ""),
            text=text,
            tried=tried,
        )

    async def lexicon_save(request: Request) -> Response:
        form = await form_of(request)
        back = form.get("back", "/lexicon")
        if not re.fullmatch(r"/(sheet/[a-z0-9-]+/words|lexicon)", back):
            back = "/lexicon"
        try:
            term = save_to_lexicon(paths, form)
        except ImnmError as err:
            return message(request, 400, "The lexicon was not changed", err.render(), back)
        return RedirectResponse(f"{back}?saved={term}", status_code=303)

    async def lexicon_remove(request: Request) -> Response:
        form = await form_of(request)
        term = form.get("term", "")
        try:
            remove_entry(paths.content / "lexicon.yaml", term, form.get("language") or "en")
        except ImnmError as err:
            return message(request, 400, "The lexicon was not changed", err.render(), "/lexicon")
        return RedirectResponse(f"/lexicon?removed={term}", status_code=303)

    async def lexicon_update(request: Request) -> Response:
        """The factsheets a lexicon change touched: each one's script made again, built
        and checked, one after another (each job waits for the one before)."""
        form = await form_of(request)
        slugs = []
        for slug in form.get("slugs", "").split():
            try:
                paths.factsheet(slug)
            except LookupError:
                continue
            jobs.start(Job("update", slug), update_work(paths.root, slug))
            slugs.append(slug)
        return RedirectResponse(f"/lexicon?updating={'+'.join(slugs)}", status_code=303)

    async def lexicon(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        try:
            entries, problem = lexicon_entries(paths, query), ""
        except ImnmError as err:
            entries, problem = [], err.render()
        saved = request.query_params.get("saved", "")
        removed = request.query_params.get("removed", "")
        # What the change touches: the factsheets whose scripts now say something else.
        touched = (
            [s for s in sheet_states(paths) if s.script == "stale"] if saved or removed else []
        )
        updating = []
        for slug in request.query_params.get("updating", "").split():
            job = jobs.for_slug(slug)
            if job is not None and job.kind == "update":
                updating.append(job.as_dict())
        return page(
            "lexicon.html",
            request,
            entries=entries,
            query=query,
            problem=problem,
            saved=saved,
            removed=removed,
            touched=touched,
            updating=updating,
        )

    async def publish(request: Request) -> Response:
        try:
            summary = publish_summary(paths)
        except ImnmError as err:
            return message(request, 400, "Publishing", err.render())
        return page(
            "publish.html", request, saved=bool(request.query_params.get("saved")), **summary
        )

    async def publish_start(request: Request) -> Response:
        jobs.start(Job("publish", SHOW), publish_work(paths.root))
        return RedirectResponse("/publish/progress", status_code=303)

    async def publish_progress(request: Request) -> Response:
        return progress_page(request, SHOW)

    async def publish_status(request: Request) -> Response:
        return job_status(SHOW)

    def settings_page(
        request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
    ) -> HTMLResponse:
        return page(
            "settings.html", request, status, fields=SHOW_FIELDS, values=values, errors=errors
        )

    async def settings(request: Request) -> Response:
        try:
            values = show_values(load_podcast(paths.content / "podcast.yaml"))
        except ImnmError as err:
            return message(request, 400, "The show's settings", err.render(), "/publish")
        return settings_page(request, values, {})

    async def save_settings(request: Request) -> Response:
        form = await form_of(request)
        values = {f.name: form.get(f.name, "") for f in SHOW_FIELDS}
        values["explicit"] = form.get("explicit", "")
        errors = show_problems(values)
        if not errors:
            try:
                set_show_fields(paths.content / "podcast.yaml", values)
            except ImnmError as err:  # refused by the loader: said whole, nothing written
                errors = {"": err.render()}
        if errors:
            return settings_page(request, values, errors, 400)
        return RedirectResponse("/publish?saved=1", status_code=303)

    routes = [
        Route("/", index),
        Route("/new", create, methods=["POST"]),
        Route("/upload", upload, methods=["POST"]),
        Route("/sheet/{slug}", sheet),
        Route("/sheet/{slug}", save_sheet, methods=["POST"]),
        Route("/sheet/{slug}/text", text),
        Route("/sheet/{slug}/text", save_body, methods=["POST"]),
        Route("/sheet/{slug}/script", make_script, methods=["POST"]),
        Route("/sheet/{slug}/build", for_sheet(start("build")), methods=["POST"]),
        Route("/sheet/{slug}/check", for_sheet(start("check")), methods=["POST"]),
        Route("/sheet/{slug}/update", for_sheet(start("update")), methods=["POST"]),
        Route("/sheet/{slug}/progress", progress),
        Route("/sheet/{slug}/status", status),
        Route("/sheet/{slug}/words", words),
        Route("/sheet/{slug}/hear", hear, methods=["POST"]),
        Route("/sheet/{slug}/try", try_word, methods=["POST"]),
        Route("/lexicon", lexicon),
        Route("/lexicon", lexicon_save, methods=["POST"]),
        Route("/lexicon/remove", lexicon_remove, methods=["POST"]),
        Route("/lexicon/try", lexicon_try, methods=["POST"]),
        Route("/lexicon/update", lexicon_update, methods=["POST"]),
        Route("/publish", publish),
        Route("/publish", publish_start, methods=["POST"]),
        Route("/publish/progress", publish_progress),
        Route("/publish/status", publish_status),
        Route("/settings", settings),
        Route("/settings", save_settings, methods=["POST"]),
        Route("/audio/{slug}/{name}", audio_file),
        Route("/audio/{name}", show_file),
        Route("/static/{name}", static_file),
    ]
    middleware = [Middleware(TokenMiddleware, token=token, hosts=hosts, body_limit=BODY_LIMIT)]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        for workers in pool:  # the import workers end with the studio
            workers.shutdown(wait=False, cancel_futures=True)

    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
