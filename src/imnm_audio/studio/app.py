"""The studio's web application: pages over the same stages the command line calls.

Every route is a thin caller: importing is `import_document`, a script is
`write_script`, a build is `build`, a check is `check_episode`; the details form is
validated by `parse_meta`. Nothing here has a rule of its own.
"""

from __future__ import annotations

import re
import shutil
import tempfile
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
from ..errors import ImnmError
from ..importer.limits import MAX_FILE_BYTES
from .jobs import Job, Jobs, build_work, check_work
from .security import CSRF_FIELD, TokenMiddleware, csrf_for
from .sheets import (
    DETAILS,
    Paths,
    details_of,
    new_factsheet,
    save_details,
    save_text,
    sheet_state,
    sheet_states,
    text_of,
)
from .words import (
    Speech,
    check_results,
    lexicon_entries,
    publish_summary,
    save_to_lexicon,
    words_to_review,
)

UPLOAD_TYPES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}
# The largest file the importer takes, and room for the form around it.
BODY_LIMIT = max(MAX_FILE_BYTES.values()) + 64 * 1024
AUDIO_FILES = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)*\.(mp3|vtt|srt|html|json|txt|md|png|jpg|xml|epub|zip)$"
)


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

    def not_found(request: Request, slug: str) -> HTMLResponse:
        return page(
            "message.html",
            request,
            404,
            title="No such factsheet",
            text=f"There is no factsheet called '{slug}' in this project.",
        )

    async def index(request: Request) -> Response:
        return page(
            "index.html",
            request,
            sheets=sheet_states(paths),
            job=jobs.current.as_dict() if jobs.current else None,
            note=request.query_params.get("note", ""),
        )

    async def upload(request: Request) -> Response:
        form = await request.form()
        upload = form.get("document")
        if upload is None or isinstance(upload, str) or not upload.filename:
            return page(
                "index.html",
                request,
                400,
                sheets=sheet_states(paths),
                job=None,
                upload_error="Choose a PDF, Word (.docx) or saved web page (.html) file.",
            )
        name = Path(upload.filename).name
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_TYPES:
            return page(
                "index.html",
                request,
                400,
                sheets=sheet_states(paths),
                job=None,
                upload_error=f"'{name}' is not a PDF, Word (.docx) or web page "
                "(.html) file. Save the document in one of those and upload it again.",
            )
        safe = re.sub(r"[^A-Za-z0-9._ -]+", "-", Path(name).stem).strip(" .-") or "document"
        folder = Path(tempfile.mkdtemp(prefix="imnm-studio-"))
        try:
            source = folder / f"{safe}{suffix}"
            with source.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            from ..importer import import_document

            slug = form.get("slug")
            slug = slug.strip() if isinstance(slug, str) and slug.strip() else None
            try:
                done = import_document(source, paths.content, slug)
            except ImnmError as err:
                message = err.render().replace(str(folder) + "/", "")
                if "importing would overwrite it" in message:  # the command's --slug
                    message = (
                        f"A factsheet called '{slug}' is already here: give the "
                        "document a short name of its own below, and import it again."
                        if slug
                        else "A factsheet made from this document is already here: give the "
                        "document a short name of its own below, and import it again."
                    )
                return page(
                    "index.html",
                    request,
                    400,
                    sheets=sheet_states(paths),
                    job=None,
                    upload_error=message,
                )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        slug = done.path.parent.name
        return RedirectResponse(f"/sheet/{slug}?imported=1", status_code=303)

    async def sheet(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            path = paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        values, hints = details_of(path)
        return page(
            "sheet.html",
            request,
            slug=slug,
            state=sheet_state(paths, slug),
            details=DETAILS,
            values=values,
            hints=hints,
            errors={},
            saved=request.query_params.get("saved") == "1",
            imported=request.query_params.get("imported") == "1",
            job=(jobs.for_slug(slug).as_dict() if jobs.for_slug(slug) else None),
            results=check_results(paths, slug),
        )

    async def save_sheet(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            path = paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        errors = save_details(path, form)
        if errors:
            values, hints = details_of(path)
            values.update({d.name: form.get(d.name, "") for d in DETAILS})
            return page(
                "sheet.html",
                request,
                400,
                slug=slug,
                state=sheet_state(paths, slug),
                details=DETAILS,
                values=values,
                hints=hints,
                errors=errors,
                saved=False,
                imported=False,
                job=None,
                results=None,
            )
        return RedirectResponse(f"/sheet/{slug}?saved=1", status_code=303)

    async def make_script(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        from ..build import EPISODE, HOLD, write_script
        from ..content import load_project
        from ..errors import TooShortForHold

        try:
            project = load_project(paths.content, [slug])
            for kind in (EPISODE, HOLD):
                try:
                    write_script(project, project.factsheets[0], paths.scripts, False, kind)
                except TooShortForHold:
                    continue
        except ImnmError as err:
            return page(
                "message.html",
                request,
                400,
                title="The script was not made",
                text=err.render(),
                back=f"/sheet/{slug}",
            )
        return RedirectResponse(f"/sheet/{slug}#words", status_code=303)

    def start(request: Request, kind: str) -> Response:
        slug = request.path_params["slug"]
        try:
            paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        work = build_work(paths.root, slug) if kind == "build" else check_work(paths.root, slug)
        jobs.start(Job(kind, slug), work)
        return RedirectResponse(f"/sheet/{slug}/progress", status_code=303)

    async def build_sheet(request: Request) -> Response:
        return start(request, "build")

    async def check_sheet(request: Request) -> Response:
        return start(request, "check")

    async def progress(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        job = jobs.for_slug(slug)
        before = jobs.waiting_for(job) if job else None
        return page(
            "progress.html",
            request,
            slug=slug,
            job=job.as_dict() if job else None,
            before=before.as_dict() if before else None,
        )

    async def status(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            paths.factsheet(slug)
        except LookupError:
            return JSONResponse({"state": "unknown", "message": f"no factsheet '{slug}'"}, 404)
        job = jobs.for_slug(slug)
        return JSONResponse(job.as_dict() if job else {"state": "none"})

    async def audio_file(request: Request) -> Response:
        slug, name = request.path_params["slug"], request.path_params["name"]
        try:
            paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        file = paths.audio / slug / name
        if not AUDIO_FILES.match(name) or not file.is_file():
            return page(
                "message.html",
                request,
                404,
                title="Not built yet",
                text=f"'{name}' has not been made for '{slug}'.",
                back=f"/sheet/{slug}",
            )
        return FileResponse(file)  # answers Range requests, so players can seek

    async def words(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        return page(
            "words.html",
            request,
            slug=slug,
            state=sheet_state(paths, slug),
            words=words_to_review(paths, slug),
            saved=request.query_params.get("saved", ""),
        )

    async def hear(request: Request) -> Response:
        """A sentence of the factsheet as a build says it, made on demand (cached)."""
        slug = request.path_params["slug"]
        try:
            paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        text = request.query_params.get("text", "")[:2000]
        if not text.strip():
            return Response("nothing to say", status_code=400)
        try:
            wav = await run_in_threadpool(speech.hear, slug, text)
        except speech.Busy as busy:
            return Response(str(busy), status_code=409)
        except ImnmError as err:
            return Response(err.render(), status_code=400)
        return Response(wav, media_type="audio/wav", headers={"Cache-Control": "no-store"})

    async def try_word(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        term, say, text = form.get("term", ""), form.get("say", ""), form.get("text", "")
        try:
            tried = await run_in_threadpool(speech.try_respelling, slug, term, say, text)
        except speech.Busy as busy:
            return page(
                "message.html",
                request,
                409,
                title="Please wait",
                text=str(busy),
                back=f"/sheet/{slug}/words",
            )
        except ImnmError as err:
            return page(
                "message.html",
                request,
                400,
                title="That could not be tried",
                text=err.render(),
                back=f"/sheet/{slug}/words",
            )
        return page("tried.html", request, slug=slug, term=term, say=say, text=text, tried=tried)

    async def lexicon_save(request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        back = form.get("back", "/lexicon")
        if not re.fullmatch(r"/(sheet/[a-z0-9-]+/words|lexicon)", back):
            back = "/lexicon"
        try:
            term = save_to_lexicon(paths, form)
        except ImnmError as err:
            return page(
                "message.html",
                request,
                400,
                title="The lexicon was not changed",
                text=err.render(),
                back=back,
            )
        return RedirectResponse(f"{back}?saved={term}", status_code=303)

    async def lexicon(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        try:
            entries = lexicon_entries(paths, query)
            problem = ""
        except ImnmError as err:
            entries, problem = [], err.render()
        return page(
            "lexicon.html",
            request,
            entries=entries,
            query=query,
            problem=problem,
            saved=request.query_params.get("saved", ""),
        )

    async def publish(request: Request) -> Response:
        try:
            summary = publish_summary(paths)
        except ImnmError as err:
            return page("message.html", request, 400, title="Publishing", text=err.render())
        return page("publish.html", request, **summary)

    async def show_file(request: Request) -> Response:
        """The show's own files beside the episodes: the feed, the library page, the
        cover (the episode pages link to them)."""
        name = request.path_params["name"]
        file = paths.audio / name
        if not AUDIO_FILES.match(name) or not file.is_file():
            return page(
                "message.html",
                request,
                404,
                title="Not built yet",
                text=f"'{name}' has not been made yet.",
                back="/",
            )
        return FileResponse(file)

    async def create(request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        slug = form.get("slug", "").strip()
        language = form.get("language", "").strip()
        problem = new_factsheet(paths, slug, form.get("title", ""), language)
        if problem:
            return page(
                "index.html",
                request,
                400,
                sheets=sheet_states(paths),
                job=None,
                new_error=problem,
                new_values=form,
            )
        return RedirectResponse(f"/sheet/{slug}/text?new=1", status_code=303)

    async def text(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            path = paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        return page(
            "text.html",
            request,
            slug=slug,
            state=sheet_state(paths, slug),
            body=text_of(path),
            error="",
            saved=request.query_params.get("saved") == "1",
            new=request.query_params.get("new") == "1",
        )

    async def save_body(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            path = paths.factsheet(slug)
        except LookupError:
            return not_found(request, slug)
        form = await request.form()
        body = form.get("body")
        body = body if isinstance(body, str) else ""
        error = save_text(path, body)
        if error:
            return page(
                "text.html",
                request,
                400,
                slug=slug,
                state=sheet_state(paths, slug),
                body=body,
                error=error,
                saved=False,
                new=False,
            )
        return RedirectResponse(f"/sheet/{slug}/text?saved=1", status_code=303)

    routes = [
        Route("/", index),
        Route("/new", create, methods=["POST"]),
        Route("/sheet/{slug}/text", text),
        Route("/sheet/{slug}/text", save_body, methods=["POST"]),
        Route("/upload", upload, methods=["POST"]),
        Route("/sheet/{slug}", sheet),
        Route("/sheet/{slug}", save_sheet, methods=["POST"]),
        Route("/sheet/{slug}/script", make_script, methods=["POST"]),
        Route("/sheet/{slug}/build", build_sheet, methods=["POST"]),
        Route("/sheet/{slug}/check", check_sheet, methods=["POST"]),
        Route("/sheet/{slug}/progress", progress),
        Route("/sheet/{slug}/status", status),
        Route("/sheet/{slug}/words", words),
        Route("/sheet/{slug}/hear", hear),
        Route("/sheet/{slug}/try", try_word, methods=["POST"]),
        Route("/lexicon", lexicon),
        Route("/lexicon", lexicon_save, methods=["POST"]),
        Route("/publish", publish),
        Route("/audio/{slug}/{name}", audio_file),
        Route("/audio/{name}", show_file),
    ]
    middleware = [Middleware(TokenMiddleware, token=token, hosts=hosts, body_limit=BODY_LIMIT)]
    return Starlette(routes=routes, middleware=middleware)
