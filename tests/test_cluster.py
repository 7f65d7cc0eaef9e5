"""Library scale on Dask: `build --cluster` / `--workers` and `check --cluster`, on a real
local Dask cluster (worker processes with nannies) and a real S3-compatible server
(moto's server mode, over HTTP), compared file by file with an in-process build."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from conftest import FACTSHEET, LEXICON, PODCAST, folders, write_project
from imnm_audio.cache import ClipCache
from imnm_audio.engines.base import Clip
from test_cli import cli as run

pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")
moto_server = pytest.importorskip("moto.server")

HIBARI_PODCAST = PODCAST.replace(
    "  engine: piper\n  voice: en_US-joe-medium", "  engine: hibari\n  voice: heart"
)
CONDITIONS = [
    ("tcf", "Test Condition Factsheet (TCF)", "TCF"),
    ("rest", "Rest and Sleep", "rest"),
    ("fluids", "Fluids and You", "fluids"),
    ("walking", "Walking Every Day", "walking"),
]
BUCKET = "imnm-audio-test"


def write_library(root: Path, podcast: str = HIBARI_PODCAST) -> Path:
    """Four small factsheets, each of its own (one with a hold line's worth of text)."""
    for number, (slug, title, word) in enumerate(CONDITIONS, start=1):
        text = FACTSHEET.replace("Test Condition Factsheet (TCF)", title)
        text = text.replace("episode: 3", f"episode: {number}")
        if slug == "tcf":  # long enough for a phone hold-line message too
            text = text.replace(
                "It is not real.",
                "It is not real. It causes tiredness in the arms and legs, and it can make "
                "stairs hard to climb. Most people feel better with rest, good food and gentle "
                "exercise over many weeks.",
            )
        else:
            text = text.replace("What is TCF?", f"What is {word}?").replace(
                "How is TCF treated?", f"Why does {word} help?"
            )
        write_project(root, text, podcast, LEXICON, slug)
    return root


def published(root: Path) -> dict[str, str]:
    """Every published file under audio/ and its SHA-256 (build stamps, locks aside)."""
    audio = root / "audio"
    return {
        p.relative_to(audio).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(audio.rglob("*"))
        if p.is_file() and p.name not in (".build.json", ".imnm-audio.lock")
    }


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """A real S3-compatible server on a local port, and the environment that reaches it
    (set before the cluster starts, so its worker processes inherit it)."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        import s3fs

        s3fs.S3FileSystem().mkdir(BUCKET)
        yield f"s3://{BUCKET}"
    server.stop()


@pytest.fixture(scope="module")
def cluster(s3: str) -> Iterator[object]:
    """Two worker processes, each with a nanny that restarts it if it dies."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library built the ordinary way, from a cold cache of its own."""
    root = write_library(tmp_path_factory.mktemp("in-process"))
    done = run("build", "-q", *folders(root, root / "cache"))
    assert done.returncode == 0, done.stderr
    return root


def test_a_cluster_build_through_s3_is_byte_identical_and_leaves_nothing_behind(
    tmp_path: Path, in_process: Path, cluster: object, s3: str
) -> None:
    root = write_library(tmp_path)
    cache = f"{s3}/identical"
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    done = run("build", "--cluster", address, *folders(root), "--cache", cache)
    assert done.returncode == 0, done.stderr
    want = published(in_process)
    assert len(want) > 4 * 20  # every episode, chapter, book and hold-line file, the show
    assert published(root) == want
    for slug, *_ in CONDITIONS:  # the bars of every factsheet, filled
        assert f"{slug} " in done.stderr
    assert done.stdout.count(": built") == 5 and "tcf hold line: built" in done.stdout
    assert "up to date" not in done.stdout
    # The clips are in the object store; the finished outputs waiting there are gone.
    entries, size = ClipCache(cache).info()
    assert entries > 20 and size > 100_000
    import s3fs

    leftover = s3fs.S3FileSystem().find(f"{BUCKET}/identical/outputs")
    assert leftover == []
    # Again: every output is up to date, and nothing published is touched.
    before = {p: p.stat().st_mtime_ns for p in (root / "audio").rglob("*") if p.is_file()}
    again = run("build", "--cluster", address, *folders(root), "--cache", cache)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("up to date") == 5 and "built" not in again.stdout
    after = {p: p.stat().st_mtime_ns for p in (root / "audio").rglob("*") if p.is_file()}
    show = root / "audio"  # the feed, library page and cover are written again each build
    assert {p: t for p, t in after.items() if p.parent != show} == {
        p: t for p, t in before.items() if p.parent != show
    }


def test_a_worker_killed_mid_build_changes_nothing(
    tmp_path: Path, in_process: Path, cluster: object, s3: str
) -> None:
    client = cluster
    root = write_library(tmp_path)
    address = client.scheduler.address  # type: ignore[attr-defined]
    build = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imnm_audio",
            "build",
            "-q",
            "--cluster",
            address,
            *folders(root),
            "--cache",
            f"{s3}/killed",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killed = None
    started = time.time()
    deadline = time.monotonic() + 120
    seen: dict[str, float] = {}
    while killed is None and build.poll() is None and time.monotonic() < deadline:
        for worker, tasks in client.processing().items():  # type: ignore[attr-defined]
            if not tasks:
                seen.pop(worker, None)
                continue
            # Busy for a while (its clips are being made), and busy still: kill it.
            if time.monotonic() - seen.setdefault(worker, time.monotonic()) > 0.4:
                pid = client.run(os.getpid, workers=[worker])[worker]  # type: ignore[attr-defined]
                if client.processing(workers=[worker])[worker]:  # type: ignore[attr-defined]
                    os.kill(pid, signal.SIGKILL)
                    killed = pid
                    break
        time.sleep(0.05)
    out, err = build.communicate(timeout=600)
    assert killed is not None, "no task was ever seen running"
    assert build.returncode == 0, err
    assert published(root) == published(in_process)
    import s3fs

    assert s3fs.S3FileSystem().find(f"{BUCKET}/killed/outputs") == []
    # The killed worker's task folder (tens of MB) was cleared by the next task.
    import tempfile

    assert not list(Path(tempfile.gettempdir()).glob(f"imnm-audio-worker-{killed}-*"))
    client.wait_for_workers(2, timeout=60)  # type: ignore[attr-defined]
    # The nanny started the killed worker again: a new process.
    assert killed not in client.run(os.getpid).values()  # type: ignore[attr-defined]

    # The killed task ran again: the scheduler gave it to a worker twice. (Its progress
    # going back was a chance observation: a worker killed before its progress events
    # reached the scheduler takes them with it, and the test failed now and then.)
    def assignments(dask_scheduler):  # type: ignore[no-untyped-def]
        counts: dict[str, int] = {}
        for entry in dask_scheduler.transition_log:
            key = str(entry.key)
            if key.startswith("imnm-audio-build-") and entry.finish == "processing":
                counts[key] = counts.get(key, 0) + 1
        return counts

    ours = {
        key: n
        for key, n in client.run_on_scheduler(assignments).items()  # type: ignore[attr-defined]
        if int(key.rsplit("-", 1)[1]) / 1e9 >= started
    }
    assert any(n >= 2 for n in ours.values()), ours


def test_check_on_the_cluster_writes_the_same_reports(
    tmp_path: Path, in_process: Path, cluster: object
) -> None:
    here = run("check", "--no-cache", *folders(in_process), "tcf", "rest")
    assert here.returncode == 0, here.stdout + here.stderr
    local = {
        slug: (in_process / "audio" / slug / f"{slug}.check.json").read_bytes()
        for slug in ("tcf", "rest")
    }
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    there = run("check", "--no-cache", "--cluster", address, *folders(in_process), "tcf", "rest")
    assert there.returncode == 0, there.stdout + there.stderr
    assert there.stdout.count(": passed") == here.stdout.count(": passed") == 2
    for slug, report in local.items():
        assert (in_process / "audio" / slug / f"{slug}.check.json").read_bytes() == report


def test_an_unreachable_scheduler_is_exit_3_and_writes_nothing(tmp_path: Path) -> None:
    root = write_library(tmp_path)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = run("build", "--cluster", f"tcp://127.0.0.1:{port}", *folders(root, tmp_path / "c"))
    assert done.returncode == 3, done.stderr
    assert f"the Dask scheduler at tcp://127.0.0.1:{port} cannot be reached" in done.stderr
    assert "dask scheduler" in done.stderr and "Traceback" not in done.stderr
    assert "is a folder: every worker must see it at this same path" in done.stderr
    assert not (root / "scripts").exists()
    assert not (root / "audio").exists()  # not even an audio/ holding only the lock


BANNER_SERVER = """
import socket, sys
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)
while True:
    conn, _ = server.accept()
    conn.sendall(b"SSH-2.0-OpenSSH_9.6p1 Debian-3\\r\\n")
"""


@pytest.fixture
def not_schedulers(tmp_path: Path) -> Iterator[dict[str, int]]:
    """Two processes on loopback ports that are not Dask schedulers: a web server that
    waits for a request (as the dashboard's port or moto's), and one that greets with
    an SSH banner."""
    web = subprocess.Popen(
        [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
    )  # fmt: skip
    banner = subprocess.Popen(
        [sys.executable, "-c", BANNER_SERVER], stdout=subprocess.PIPE, text=True
    )
    try:
        line = web.stdout.readline()  # type: ignore[union-attr]
        web_port = int(line.split(" port ")[1].split()[0])
        ports = {"web": web_port, "banner": int(banner.stdout.readline())}  # type: ignore[union-attr]
        yield ports
    finally:
        for process in (web, banner):
            process.kill()
            process.wait()


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("kind", ["web", "banner"])
def test_an_address_that_is_not_a_scheduler_is_refused_at_once(
    tmp_path: Path, not_schedulers: dict[str, int], command: str, kind: str
) -> None:
    root = write_library(tmp_path)
    if command == "check":  # it reads the scripts before it asks for the cluster
        assert run("script", "-q", *folders(root)).returncode == 0
    address = f"tcp://127.0.0.1:{not_schedulers[kind]}"
    started = time.monotonic()
    done = run(command, "--cluster", address, *folders(root, tmp_path / "c"))
    took = time.monotonic() - started
    # Dask's client waited 11 minutes for the web server, and read the banner as a
    # 2.82 EiB message (numpy's MemoryError).
    assert done.returncode == 3, done.stderr
    said = " ".join(done.stderr.split())
    assert f"{address} is not a Dask scheduler" in said, said
    if kind == "web":
        assert "said nothing in 3 s, as a web server does" in said, said
    else:
        assert "it began with 'SSH-2.0-OpenSSH_9.6p1" in said, said
    assert "Scheduler at: tcp://host:8786" in said and "Traceback" not in said
    assert took < 60, took


def test_a_worker_without_the_voice_is_named(tmp_path: Path) -> None:
    from test_hibari import _made_voice

    voice, listing = _made_voice(tmp_path)
    client_home, worker_home = tmp_path / "client-home", tmp_path / "worker-home"
    env = {"IMNM_AUDIO_HOME": str(client_home), "IMNM_AUDIO_HIBARI_REGISTRY": str(listing)}
    assert run("voices", "add", str(voice), env=env).returncode == 0
    podcast = HIBARI_PODCAST.replace("voice: heart", "voice: testgb").replace("en-US", "en-GB")
    root = write_project(tmp_path / "project", FACTSHEET.replace("en-US", "en-GB"), podcast)
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        env={"IMNM_AUDIO_HOME": str(worker_home), "IMNM_AUDIO_HIBARI_REGISTRY": str(listing)},
    ) as local:
        worker = next(iter(local.workers.values())).worker_address
        done = run(
            "build", "--cluster", local.scheduler_address, *folders(root, tmp_path / "c"), env=env
        )
    assert done.returncode == 2, done.stderr
    assert f"the worker {worker}" in done.stderr
    assert "'testgb'" in done.stderr and "is not installed" in done.stderr
    assert "voices add" in done.stderr and "Traceback" not in done.stderr
    assert not (root / "audio" / "tcf").exists() and not (root / "scripts").exists()


def test_workers_n_builds_on_a_local_cluster_of_its_own(tmp_path: Path, in_process: Path) -> None:
    root = write_library(tmp_path)
    (root / "content" / "rest").rename(tmp_path / "aside-rest")  # two factsheets only
    (root / "content" / "fluids").rename(tmp_path / "aside-fluids")
    done = run("build", "--workers", "2", *folders(root, in_process / "cache"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": built") == 3 and "tcf hold line: built" in done.stdout
    mine, theirs = published(root), published(in_process)
    for name in ("tcf/tcf.mp3", "walking/walking.mp3", "hold/tcf/tcf-hold-loop-ulaw.wav"):
        assert mine[name] == theirs[name]


def test_an_ordinary_build_never_imports_dask(
    tmp_path: Path, built: Path, shared_cache: Path
) -> None:
    root = tmp_path / "p"
    shutil.copytree(built / "content", root / "content")
    code = (
        "import sys\n"
        "from imnm_audio.cli import main\n"
        f"assert main(['build', '-q', *{folders(root, shared_cache)!r}]) == 0\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (root / "audio" / "tcf" / "tcf.mp3").is_file()


def test_the_clip_cache_in_an_object_store(s3: str) -> None:
    cache = ClipCache(f"{s3}/unit")
    clip = Clip(np.arange(-500, 500, dtype=np.int16), 22050)
    assert cache.get("ab" * 32) is None
    cache.put("ab" * 32, clip)
    got = cache.get("ab" * 32)
    assert got is not None and np.array_equal(got.samples, clip.samples)
    cache.put_bytes("cd" * 32, ".mp3", b"frames")
    assert cache.get_bytes("cd" * 32, ".mp3") == b"frames"
    # A damaged entry is noticed, removed and made again, as in a folder.
    cache.store.write("cd/" + "cd" * 32 + ".mp3", b"frames-and-garbage")
    assert cache.get_bytes("cd" * 32, ".mp3") is None
    assert cache.store.read("cd/" + "cd" * 32 + ".mp3") is None
    assert cache.info()[0] == 1
    assert cache.clear() == 1 and cache.info() == (0, 0)


def test_an_unreachable_object_store_is_a_clear_error(tmp_path: Path) -> None:
    root = write_library(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_MAX_ATTEMPTS": "1",
    }
    done = run("build", "tcf", *folders(root), "--cache", f"s3://{BUCKET}/nowhere", env=env)
    assert done.returncode == 3, done.stderr
    assert f"the shared cache s3://{BUCKET}/nowhere cannot be reached" in done.stderr
    assert "AWS_ENDPOINT_URL" in done.stderr and "Traceback" not in done.stderr
    assert not (root / "audio" / "tcf").exists()


def test_cluster_and_workers_are_checked_on_the_command_line(tmp_path: Path) -> None:
    both = run("build", "--cluster", "tcp://x:1", "--workers", "2")
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    zero = run("build", "--workers", "0")
    assert zero.returncode == 2 and "must be 1 or more" in zero.stderr


def test_a_damaged_output_in_the_shared_cache_is_refused(tmp_path: Path) -> None:
    from imnm_audio.errors import OutputError
    from imnm_audio.pipeline.cluster import _publish
    from imnm_audio.pipeline.cluster_task import Finished, upload
    from imnm_audio.pipeline.episode import EpisodeReport
    from imnm_audio.pipeline.options import PublishGate
    from imnm_audio.store import FolderStore

    made = tmp_path / "made"
    (made / "chapters").mkdir(parents=True)
    (made / "x.mp3").write_bytes(b"new audio")
    (made / "chapters" / "01.mp3").write_bytes(b"new chapter")
    (made / ".build.json").write_text('{"key": "k1", "files": ["x.mp3"], "report": {}}')
    store = FolderStore(tmp_path / "cache")
    report = EpisodeReport(slug="x", status="built")
    finished = Finished("x", report, upload(store, made, "x", report))
    out = tmp_path / "audio"
    (out / "x").mkdir(parents=True)
    (out / "x" / "x.mp3").write_bytes(b"old audio")
    store.write("outputs/x/k1/chapters/01.mp3", b"new chapteR")  # changed on the way
    with pytest.raises(OutputError, match="missing or damaged"):
        _publish(store, out, finished, PublishGate())
    assert [p.name for p in out.iterdir()] == ["x"]  # no staging folder left
    assert [p.name for p in (out / "x").iterdir()] == ["x.mp3"]
    assert (out / "x" / "x.mp3").read_bytes() == b"old audio"
    store.write("outputs/x/k1/chapters/01.mp3", b"new chapter")
    gate = PublishGate()
    _publish(store, out, finished, gate)
    assert (out / "x" / "x.mp3").read_bytes() == b"old audio"  # staged, not yet swapped in
    gate.open()
    assert (out / "x" / "x.mp3").read_bytes() == b"new audio"
    assert (out / "x" / "chapters" / "01.mp3").read_bytes() == b"new chapter"


def test_a_workers_near_copy_saves_the_second_trip(tmp_path: Path, s3: str) -> None:
    from imnm_audio.store import LayeredStore, RemoteStore

    cache = ClipCache(f"{s3}/near", near=tmp_path / "near")
    assert isinstance(cache.store, LayeredStore)
    clip = Clip(np.arange(0, 300, dtype=np.int16), 22050)
    cache.put("ef" * 32, clip)
    far = RemoteStore(f"{s3}/near")
    assert far.read("ef/" + "ef" * 32 + ".wav") is not None  # in the shared store
    far.remove("ef/" + "ef" * 32 + ".wav")  # gone from the store: the near copy answers
    got = cache.get("ef" * 32)
    assert got is not None and np.array_equal(got.samples, clip.samples)
    # What another worker made comes from the store once, then from the near copy.
    ClipCache(f"{s3}/near").put("01" * 32, clip)
    assert cache.get("01" * 32) is not None
    far.remove("01/" + "01" * 32 + ".wav")
    assert cache.get("01" * 32) is not None
    # A folder cache has no near copy: it is near already.
    assert not isinstance(ClipCache(tmp_path / "f", near=tmp_path / "n").store, LayeredStore)


def test_a_worker_is_sent_the_shows_artwork_it_cannot_see(tmp_path: Path, cluster: object) -> None:
    from mutagen.id3 import ID3
    from PIL import Image

    from imnm_audio.pipeline import BuildOptions
    from imnm_audio.pipeline.cluster import _Bars, _jobs
    from imnm_audio.pipeline.cluster_task import build_factsheet
    from imnm_audio.pipeline.run import plan_build
    from imnm_audio.store import FolderStore

    root = write_project(tmp_path, podcast=HIBARI_PODCAST + "artwork: cover.png\n")
    art = root / "content" / "cover.png"
    Image.new("RGB", (1400, 1400), (20, 90, 160)).save(art)
    options = BuildOptions(
        content_dir=root / "content",
        scripts_dir=root / "scripts",
        out_dir=root / "audio",
        cache_dir=tmp_path / "cache",
        hold=False,
        formats=(),
    )
    [job] = _jobs(plan_build(options, None), options, ["tcf"], _Bars(None))
    picture = art.read_bytes()
    art.unlink()  # as on a worker's machine, which has no content/ folder
    [finished] = cluster.submit(build_factsheet, job, pure=False).result()  # type: ignore[attr-defined]
    assert finished.manifest is not None
    store = FolderStore(tmp_path / "cache")
    key = finished.manifest.rsplit("/", 1)[1].removesuffix(".json")
    mp3 = tmp_path / "tcf.mp3"
    mp3.write_bytes(store.read(f"outputs/tcf/{key}/tcf.mp3") or b"")
    assert ID3(mp3).getall("APIC")[0].data == picture


def test_errors_cross_processes_whole() -> None:
    import pickle

    from imnm_audio.errors import ClusterUnreachable, ContentError

    error = ContentError(
        "the title is missing.", path="content/x/factsheet.md", line=3, fix="Add one."
    )
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is ContentError and again.exit_code == 2
    assert (again.path, again.line, again.fix) == (error.path, 3, "Add one.")
    assert (
        str(again) == str(error) == "content/x/factsheet.md, line 3: the title is missing. Add one."
    )
    lost = pickle.loads(pickle.dumps(ClusterUnreachable("gone.", fix="Start it.")))
    assert (
        type(lost) is ClusterUnreachable
        and lost.exit_code == 3
        and lost.render() == "gone. Start it."
    )


def test_cache_clear_also_removes_outputs_a_client_never_took(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.put("ab" * 32, Clip(np.zeros(10, dtype=np.int16), 22050))
    cache.store.write("outputs/tcf/k1/tcf.mp3", b"left by a client that died")
    assert cache.info()[0] == 1  # outputs are not cache entries
    assert cache.clear() == 1
    assert list(cache.store.entries()) == []


def test_a_tasks_error_is_one_message_and_nothing_is_published(tmp_path: Path) -> None:
    # A hold-line message shorter than the settings allow: found only once it is spoken,
    # on the worker. The user reads our message once, not Dask's log of the failed task.
    podcast = HIBARI_PODCAST + "hold:\n  min_message_s: 39\n  max_message_s: 40\n"
    root = write_library(tmp_path, podcast)
    done = run("build", "--workers", "1", *folders(root, tmp_path / "cache"))
    assert done.returncode == 2, done.stderr
    assert f"error: {root}/scripts/tcf.hold.yaml: the hold message" in done.stderr
    assert "messages must last 39 to 40 s" in done.stderr
    assert "Compute Failed" not in done.stderr and "Traceback" not in done.stderr
    assert not any((root / "audio").glob("*/*.mp3")) and not (root / "scripts").exists()


def test_a_scheduler_killed_mid_build_is_exit_3_and_the_cache_stays_accountable(
    tmp_path: Path, s3: str
) -> None:
    """An operator's cluster: `dask scheduler` and a `dask worker`, each its own process
    in its own folder; the scheduler killed while a factsheet is being made."""
    with operator_cluster(tmp_path, [None]) as (address, scheduler):
        root = write_library(tmp_path / "p")
        cache = f"{s3}/lost"
        build = subprocess.Popen(
            [sys.executable, "-m", "imnm_audio", "build", "-q", "--cluster", address,
             *folders(root), "--cache", cache],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while ClipCache(cache).info()[0] < 3 and build.poll() is None:
            assert time.monotonic() < deadline, "no clip was ever made"
            time.sleep(0.2)
        scheduler.kill()  # mid-build: clips are being made
        out, err = build.communicate(timeout=300)
    said = " ".join(err.split())
    assert build.returncode == 3, err
    assert f"the connection to the Dask scheduler {address} was lost" in said, said
    assert "Nothing was published" in said and "Traceback" not in said
    assert not [p for p in (root / "audio").rglob("*") if p.suffix == ".mp3"]
    # What the run left is counted, and clearing says what it removed.
    info = run("cache", "info", "--cache", cache)
    entries = ClipCache(cache).info()[0]
    assert f"{entries} entries" in info.stdout and entries >= 3, info.stdout
    outputs = ClipCache(cache).waiting_outputs()[0]
    assert (f"{outputs} files" in info.stdout) == (outputs > 0), info.stdout
    cleared = run("cache", "clear", "--cache", cache)
    assert f"Removed {entries} entries" in cleared.stdout, cleared.stdout
    assert ClipCache(cache).info() == (0, 0) and ClipCache(cache).waiting_outputs() == (0, 0)


def test_cache_info_counts_the_outputs_a_lost_build_left(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.put("ab" * 32, Clip(np.zeros(10, dtype=np.int16), 22050))
    cache.store.write("outputs/tcf/k1/tcf.mp3", b"left by a client that died" * 1000)
    info = run("cache", "info", "--cache", str(tmp_path))
    assert "1 entries" in info.stdout
    assert "and 1 files (0.0 MB) of finished outputs a lost cluster build left" in info.stdout
    cleared = run("cache", "clear", "--cache", str(tmp_path))
    assert "Removed 1 entries" in cleared.stdout and "and 1 files" in cleared.stdout
    assert list(cache.store.entries()) == []


@contextlib.contextmanager
def operator_cluster(
    tmp_path: Path, worker_paths: list[Path | None]
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`dask scheduler` and one `dask worker` per entry, each a process in its own empty
    folder; an entry is a folder put first on the worker's PYTHONPATH (another copy of
    imnm-audio), or None for this one. Yields the scheduler's address and its process."""
    dask = Path(sys.executable).with_name("dask")
    scheduler = subprocess.Popen(
        [str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", ":0"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    workers: list[subprocess.Popen[bytes]] = []
    try:
        address = ""
        while not address:
            line = scheduler.stderr.readline()  # type: ignore[union-attr]
            assert line, "the scheduler stopped before it said its address"
            if "Scheduler at:" in line:
                address = line.split("Scheduler at:")[1].strip()
        for n, path in enumerate(worker_paths):
            folder = tmp_path / f"worker-{n}"
            folder.mkdir()
            env = {**os.environ, "PYTHONPATH": str(path)} if path else None
            workers.append(
                subprocess.Popen(
                    [str(dask), "worker", address, "--nthreads", "1", "--name", f"w{n}"],
                    cwd=folder,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )  # fmt: skip
            )
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(len(worker_paths), timeout=60)
        yield address, scheduler
    finally:
        for process in [scheduler, *workers]:
            process.kill()
            process.wait()


def another_copy(tmp_path: Path, change: str) -> Path:
    """This imnm-audio's source copied, with one change: an edit (a slightly other
    version), or a module function taken out (an older one)."""
    import imnm_audio

    copy = tmp_path / "other-src"
    shutil.copytree(Path(imnm_audio.__file__).parent, copy / "imnm_audio")
    task = copy / "imnm_audio" / "pipeline" / "cluster_task.py"
    text = task.read_text()
    if change == "edited":
        task.write_text(text + "\n# a fix made on this worker only\n")
    else:
        task.write_text(text.replace("def worker_identity(", "def _not_yet_written("))
    return copy


@pytest.mark.parametrize("change", ["edited", "older"])
def test_a_worker_with_other_code_is_named_before_any_work(
    tmp_path: Path, s3: str, change: str
) -> None:
    root = write_library(tmp_path / "p")
    other = another_copy(tmp_path, change)
    with operator_cluster(tmp_path, [None, other]) as (address, _):
        done = run("build", "--cluster", address, *folders(root), "--cache", f"{s3}/versions")
    said = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert "1 of the cluster's workers would build with other code" in said, said
    assert "name w1" in said and "name w0" not in said, said
    if change == "edited":
        assert "from other source (fingerprint" in said, said
    else:
        assert "cannot run this imnm-audio's code" in said, said
    assert "Install this same imnm-audio on every worker" in said
    assert "Traceback" not in said
    assert not re.search(r"\b0/\d+", done.stderr), done.stderr  # no bar before the refusal
    assert not [p for p in (root / "audio").rglob("*") if p.suffix == ".mp3"]
    assert ClipCache(f"{s3}/versions").info() == (0, 0)  # no task ran


def test_two_workers_making_one_clip_at_once_in_s3_both_use_the_kept_take(s3: str) -> None:
    from test_cache import two_takes_at_once

    # A conditional PUT (If-None-Match: *): the second writer is refused and given
    # the first take, from the object store itself.
    cache = ClipCache(f"{s3}/race")
    first, second = two_takes_at_once(cache)
    kept = cache.get("cd" * 32)
    assert kept is not None
    assert np.array_equal(first, kept.samples) and np.array_equal(second, kept.samples)


def test_a_cold_piper_cluster_build_is_the_build_its_cache_gives_again(
    tmp_path: Path, cluster: object, s3: str
) -> None:
    # Piper draws random noise as it speaks: its takes of one sentence differ. Four
    # factsheets that share most sentences, on two workers, from an empty cache: each
    # episode must use the take the cache kept, so building again out of that cache
    # (in this process, nothing to make) gives the same files, byte for byte.
    root = write_library(tmp_path / "cold", PODCAST)
    cache = f"{s3}/piper-race"
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    done = run("build", "-q", "--cluster", address, *folders(root), "--cache", cache)
    assert done.returncode == 0, done.stderr
    again = write_library(tmp_path / "again", PODCAST)
    rebuilt = run("build", "-q", *folders(again), "--cache", cache)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert published(again) == published(root)


def test_an_object_store_stopped_during_the_bring_in_leaves_the_library_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imnm_audio.cli import main
    from imnm_audio.pipeline import cluster as on_cluster

    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in (
        ("AWS_ENDPOINT_URL", f"http://{host}:{port}"), ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_MAX_ATTEMPTS", "1"),
    ):  # fmt: skip
        monkeypatch.setenv(name, value)
    import s3fs

    s3fs.S3FileSystem(skip_instance_cache=True).mkdir("stopped-store")
    cache = "s3://stopped-store/cache"
    root = write_library(tmp_path)
    try:
        assert main(["build", "-q", *folders(root), "--cache", cache]) == 0
        before = published(root)
        for slug in ("rest", "walking"):  # two episodes made again on the cluster
            sheet = root / "content" / slug / "factsheet.md"
            sheet.write_text(sheet.read_text().replace("It is not real.", "It is made up."))
        real = on_cluster._publish
        calls: list[str] = []
        first_done = threading.Event()
        lock = threading.Lock()
        stopped: list[bool] = []

        def store_stops_after_the_first(store, out_dir, finished, gate):  # type: ignore[no-untyped-def]
            if finished.manifest is None:  # up to date: nothing to bring in
                return real(store, out_dir, finished, gate)
            with lock:
                first = not calls
                calls.append(finished.folder)
            if first:
                try:
                    return real(store, out_dir, finished, gate)
                finally:
                    first_done.set()
            first_done.wait(60)  # one output brought in whole, then the store goes away
            with lock:
                if not stopped:
                    stopped.append(True)
                    server.stop()
            return real(store, out_dir, finished, gate)

        monkeypatch.setattr(on_cluster, "_publish", store_stops_after_the_first)
        assert main(["script", "-q", *folders(root)]) == 0
        code = main(["build", "-q", "--workers", "2", *folders(root), "--cache", cache])
    finally:
        with contextlib.suppress(Exception):
            server.stop()
    assert code == 3
    assert len(calls) >= 2
    # Each folder whole was not enough: the library as a reader sees it is the old one,
    # its feed describing exactly the files that are there.
    assert published(root) == before
    assert not list((root / "audio").glob(".*staging*"))


def test_a_later_build_clears_what_a_lost_run_left_in_outputs(
    tmp_path: Path, cluster: object, s3: str
) -> None:
    cache = f"{s3}/leftovers"
    shared = ClipCache(cache)
    # What a run whose scheduler was lost left: a finished output, never taken.
    shared.store.write("outputs/rest/0123abcd/rest.mp3", b"an old take" * 100)
    shared.store.write("outputs/rest/0123abcd.json", b"{}")
    shared.store.write("outputs/hold/tcf/4567ef/tcf-hold-loop.wav", b"old" * 100)
    assert shared.waiting_outputs()[0] == 3
    root = write_library(tmp_path)
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    done = run("build", "-q", "--cluster", address, *folders(root), "--cache", cache)
    assert done.returncode == 0, done.stderr
    assert shared.waiting_outputs() == (0, 0)
    info = run("cache", "info", "--cache", cache)
    assert "finished outputs" not in info.stdout, info.stdout


def test_a_task_clears_the_folders_of_tasks_whose_process_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from imnm_audio.pipeline.cluster_task import task_folder

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    gone = tmp_path / f"imnm-audio-worker-{ended.pid}-abc123"
    (gone / "audio").mkdir(parents=True)
    (gone / "audio" / "big.wav").write_bytes(b"\0" * 1000)
    running = tmp_path / f"imnm-audio-worker-{os.getppid()}-def456"  # a live process's
    running.mkdir()
    with task_folder() as mine:
        assert Path(mine).name.startswith(f"imnm-audio-worker-{os.getpid()}-")
        assert not gone.exists() and running.exists()
