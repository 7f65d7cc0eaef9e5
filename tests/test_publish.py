"""`imnm-audio publish`: the built podcast sent to a web root served over HTTP (with
byte ranges, as a web server does) and to a real S3-compatible server (moto's, over
HTTP), then read back as a podcast app reads it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import copy_project, folders
from imnm_audio.cli import main
from imnm_audio.serve import serve_in_background

moto_server = pytest.importorskip("moto.server")


def rebuilt_for(root: Path, cache: Path, base_url: str) -> None:
    """The feed and pages made again for where they will be served (clips from cache)."""
    assert main(["build", "-q", *folders(root, cache), "--base-url", base_url]) == 0


def published_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.name != "README.md"
    }


def publish(root: Path, *extra: str) -> int:
    return main(
        ["publish", "--content", str(root / "content"), "--out", str(root / "audio"), *extra]
    )


@pytest.fixture
def web_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "www"
    folder.mkdir()
    server, url = serve_in_background(folder)
    yield folder, url
    server.shutdown()


def test_a_web_root_gets_what_changed_with_the_feed_last_and_is_read_back(
    built: Path, shared_cache: Path, tmp_path: Path, web_root: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    www, url = web_root
    root = copy_project(built, tmp_path / "p")
    rebuilt_for(root, shared_cache, url)
    target = f"file://{www}"

    assert publish(root, target, "--dry-run") == 0
    assert "would upload" in capsys.readouterr().out and not any(www.iterdir())

    import imnm_audio.publish as publishing

    sent: list[str] = []
    real_put = publishing.Target.put

    def recorded(self, name, *rest):  # type: ignore[no-untyped-def]
        sent.append(name)
        return real_put(self, name, *rest)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publishing.Target, "put", recorded)
        assert publish(root, target, "--base-url", url) == 0
    said = capsys.readouterr().out
    assert "Read back as a podcast app does: the feed and 1 episode(s)" in said, said
    assert published_files(www) == published_files(root / "audio")
    # Everything else first, then the library page, then the feed, then the manifest.
    assert sent[-3:] == ["index.html", "feed.xml", ".imnm-publish.json"], sent
    assert sent.index("tcf/tcf.mp3") < sent.index("feed.xml")

    # Nothing changed: nothing sent.
    assert publish(root, target, "--base-url", url) == 0
    assert "uploaded 0 files" in capsys.readouterr().out
    # A file gone from the server (deleted by hand) is sent again.
    (www / "tcf" / "tcf.mp3").unlink()
    assert publish(root, target, "--base-url", url) == 0
    assert "uploaded 1 file " in capsys.readouterr().out
    # A factsheet removed from the build: its files deleted, after the feed.
    old = root / "audio" / "old"
    old.mkdir()
    (old / "old.mp3").write_bytes(b"\xff\xfb" * 100)
    assert publish(root, target, "--base-url", url) == 0
    assert (www / "old" / "old.mp3").is_file()
    (old / "old.mp3").unlink()
    old.rmdir()
    feed = root / "audio" / "feed.xml"
    feed.write_bytes(feed.read_bytes() + b"\n")  # the new feed, without it
    sent.clear()
    real_remove = publishing.Target.remove

    def removed(self, name):  # type: ignore[no-untyped-def]
        sent.append(f"deleted {name}")
        return real_remove(self, name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publishing.Target, "put", recorded)
        patch.setattr(publishing.Target, "remove", removed)
        assert publish(root, target, "--base-url", url) == 0
    assert "deleted 1" in capsys.readouterr().out
    assert not (www / "old" / "old.mp3").exists()
    # Deleted only once the feed that no longer lists it is up.
    assert sent == ["feed.xml", "deleted old/old.mp3", ".imnm-publish.json"], sent


def test_a_publish_stopped_half_way_leaves_the_live_feed_whole_and_the_next_finishes_it(
    built: Path, shared_cache: Path, tmp_path: Path, web_root: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    import feedparser

    import imnm_audio.publish as publishing

    www, url = web_root
    root = copy_project(built, tmp_path / "p")
    rebuilt_for(root, shared_cache, url)
    target = f"file://{www}"
    assert publish(root, target, "--base-url", url) == 0
    live = (www / "feed.xml").read_bytes()
    # The show renamed: every MP3's tags, every page and the feed change.
    settings = root / "content" / "podcast.yaml"
    settings.write_text(settings.read_text().replace("title: Test Show", "title: Our Show"))
    rebuilt_for(root, shared_cache, url)
    sent: list[str] = []
    real_put = publishing.Target.put

    def dies_on_the_fourth(self, name, data, *rest):  # type: ignore[no-untyped-def]
        if len(sent) == 3:  # the process killed while it writes its fourth file
            aside = www / name
            aside = aside.parent / f".{aside.name}.publishing"
            aside.parent.mkdir(parents=True, exist_ok=True)
            aside.write_bytes(data[: len(data) // 2])
            raise KeyboardInterrupt
        sent.append(name)
        return real_put(self, name, data, *rest)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publishing.Target, "put", dies_on_the_fourth)
        assert publish(root, target, "--base-url", url) == 130  # as Ctrl-C or a kill
    capsys.readouterr()
    # The live feed is still the old one, and every file it lists is whole.
    assert (www / "feed.xml").read_bytes() == live
    parsed = feedparser.parse(live)
    for entry in parsed.entries:
        for enclosure in entry.enclosures:
            path = www / enclosure.href.removeprefix(url)
            assert path.stat().st_size == int(enclosure.length), enclosure.href
    report = publishing.PublishReport(target)
    publishing.verify_feed(url, report)
    assert report.problems == [] and report.verified, report.problems
    # Run again: it finishes, and the target is the build.
    assert publish(root, target, "--base-url", url) == 0
    assert not list(www.rglob("*.publishing"))  # the half-written file cleared away
    assert "Our Show" in (www / "feed.xml").read_text()
    assert published_files(www) == published_files(root / "audio")
    assert publish(root, target, "--base-url", url) == 0
    assert "uploaded 0 files" in capsys.readouterr().out


def test_another_shows_feed_is_not_replaced_unless_forced(
    built: Path, shared_cache: Path, tmp_path: Path, web_root: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    www, url = web_root
    root = copy_project(built, tmp_path / "p")
    rebuilt_for(root, shared_cache, url)
    theirs = (
        '<?xml version="1.0"?><rss xmlns:podcast="https://podcastindex.org/namespace/1.0">'
        "<channel><title>The Gardening Hour</title><podcast:guid>"
        "917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid></channel></rss>"
    )
    (www / "feed.xml").write_text(theirs)
    assert publish(root, f"file://{www}", "--base-url", url) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "already holds another show's feed ('The Gardening Hour'" in said, said
    assert "--force" in said and "Nothing was sent" in said
    assert [p.name for p in www.iterdir()] == ["feed.xml"]
    # A feed another tool wrote (no podcast:guid) is someone's show too.
    (www / "feed.xml").write_text("<rss><channel><title>Old feed</title></channel></rss>")
    assert publish(root, f"file://{www}", "--base-url", url) == 2
    assert "'Old feed', podcast:guid none" in " ".join(capsys.readouterr().err.split())
    assert publish(root, f"file://{www}", "--base-url", url, "--force") == 0
    assert published_files(www) == published_files(root / "audio")


def test_what_a_podcast_app_would_hit_is_named_and_exit_4(
    built: Path, shared_cache: Path, tmp_path: Path, web_root: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    www, url = web_root
    root = copy_project(built, tmp_path / "p")
    rebuilt_for(root, shared_cache, url + "elsewhere/")  # the feed names another place
    assert publish(root, f"file://{www}", "--base-url", url) == 4
    said = capsys.readouterr().err
    assert f"{url}elsewhere/tcf/tcf.mp3: not found (404)" in said, said
    assert "base_url" in said
    # A feed whose length for an episode is not its file's (a library left mixed).
    rebuilt_for(root, shared_cache, url)
    feed = root / "audio" / "feed.xml"
    size = (root / "audio" / "tcf" / "tcf.mp3").stat().st_size
    feed.write_text(feed.read_text().replace(f'length="{size}"', f'length="{size + 7}"'))
    # (Its feed address changed, so its podcast:guid did: --force, as for a show moved.)
    assert publish(root, f"file://{www}", "--base-url", url, "--force") == 4
    said = capsys.readouterr().err
    assert f"tcf.mp3 is {size} bytes, but the feed says {size + 7}" in said, said


def test_artwork_the_directories_would_refuse_is_named_and_nothing_is_sent(
    built: Path, shared_cache: Path, tmp_path: Path, web_root: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from PIL import Image

    www, url = web_root
    root = copy_project(built, tmp_path / "p")
    # A charity's logo as a printer has it: CMYK, landscape, too small.
    Image.new("CMYK", (1000, 800), (0, 80, 80, 0)).save(root / "content" / "logo.jpg")
    settings = root / "content" / "podcast.yaml"
    settings.write_text(settings.read_text() + "artwork: logo.jpg\n")
    rebuilt_for(root, shared_cache, url)
    assert publish(root, f"file://{www}", "--base-url", url) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "cover.jpg is 1000 x 800 px, not square" in said, said
    assert "cover.jpg is in CMYK colour, not RGB" in said, said
    assert "1400-3000 px" in said and "Nothing was sent" in said
    assert not any(www.iterdir())


@pytest.mark.parametrize(
    ("size", "mode", "kind", "problem"),
    [
        ((1200, 1200), "RGB", "PNG", "1200 px square, not 1400-3000 px"),
        ((3200, 3200), "RGB", "JPEG", "3200 px square, not 1400-3000 px"),
        ((1400, 1400), "RGBA", "PNG", "in RGBA colour, not RGB"),
        ((1400, 1400), "P", "PNG", "in P colour, not RGB"),
        ((1400, 1400), "RGB", "GIF", "a GIF image, not a JPEG or PNG"),
        ((1400, 1400), "RGB", "PNG", None),
        ((3000, 3000), "RGB", "JPEG", None),
    ],
)
def test_each_artwork_rule(
    tmp_path: Path, size: tuple[int, int], mode: str, kind: str, problem: str | None
) -> None:
    from PIL import Image

    from imnm_audio.publish import Item, artwork_problems

    Image.new(mode, size).save(tmp_path / "cover.img", format=kind)
    found = artwork_problems(tmp_path, [Item("cover.img", 1, "x")])
    assert (found == []) if problem is None else any(problem in p for p in found), found


def test_nowhere_to_publish_and_bad_settings_are_said_with_the_fix(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(built, tmp_path / "p")
    assert publish(root) == 2
    said = capsys.readouterr().err
    assert "nowhere to publish" in said and "publish:" in said and "target:" in said
    settings = root / "content" / "podcast.yaml"
    settings.write_text(settings.read_text() + "publish:\n  target: s3://b/p\n  acl: open\n")
    assert publish(root) == 2
    said = capsys.readouterr().err
    assert "acl" in said and "public-read" in said
    nothing = copy_project(built, tmp_path / "q")
    for path in (nothing / "audio").iterdir():
        if path.is_file():
            path.unlink()
    assert publish(nothing, f"file://{tmp_path / 'www'}") == 2
    assert "Build it first" in capsys.readouterr().err


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ENDPOINT_URL", endpoint)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        import s3fs

        # Its own filesystem: not one fsspec kept from another test's server.
        s3fs.S3FileSystem(skip_instance_cache=True).mkdir("podcast")
        yield endpoint
    server.stop()


def test_an_s3_bucket_gets_each_kind_its_type_and_is_read_back(
    built: Path, shared_cache: Path, tmp_path: Path, s3: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    import boto3

    url = f"{s3}/podcast/show/"  # the bucket served path-style, as moto serves it
    root = copy_project(built, tmp_path / "p")
    rebuilt_for(root, shared_cache, url)
    settings = root / "content" / "podcast.yaml"
    plain = settings.read_text()
    # A private bucket (no ACL said, no policy): sent, but a listener is refused.
    settings.write_text(plain + "publish:\n  target: s3://podcast/show\n")
    assert publish(root, "--base-url", url) == 4
    said = " ".join(capsys.readouterr().err.split())
    assert "feed.xml: refused (403): the files are not public" in said, said
    assert "acl: public-read" in said and "bucket a policy" in said
    settings.write_text(plain + "publish:\n  target: s3://podcast/show\n  acl: public-read\n")
    assert publish(root, "--base-url", url) == 0, capsys.readouterr().err
    assert "Read back as a podcast app does" in capsys.readouterr().out
    client = boto3.client("s3", endpoint_url=s3)
    kinds = {
        "feed.xml": ("application/rss+xml; charset=utf-8", "public, max-age=300"),
        "tcf/tcf.mp3": ("audio/mpeg", "public, max-age=86400"),
        "tcf/tcf.vtt": ("text/vtt; charset=utf-8", "public, max-age=86400"),
        "tcf/tcf.epub": ("application/epub+zip", "public, max-age=86400"),
    }
    for name, (kind, cache) in kinds.items():
        head = client.head_object(Bucket="podcast", Key=f"show/{name}")
        assert (head["ContentType"], head["CacheControl"]) == (kind, cache), name
    grants = client.get_object_acl(Bucket="podcast", Key="show/tcf/tcf.mp3")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in grants), grants
    assert publish(root, "--base-url", url) == 0
    assert "uploaded 0 files" in capsys.readouterr().out


def test_an_unreachable_target_is_exit_3_and_sends_nothing(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    root = copy_project(built, tmp_path / "p")
    assert publish(root, "s3://podcast/show") == 3
    said = capsys.readouterr().err
    assert "cannot be reached" in said and "AWS_ENDPOINT_URL" in said


# ------------------------------------------------------------------ SFTP


class SftpServer:
    """A real SSH/SFTP server (asyncssh) on 127.0.0.1, its files in `root`, letting in
    only the holder of `client_key`; run on its own thread and event loop."""

    def __init__(self, root: Path, client_key: Path) -> None:
        import asyncio
        import threading

        import asyncssh

        self.root, self.host_key = root, asyncssh.generate_private_key("ssh-ed25519")
        self.loop = asyncio.new_event_loop()
        chroot = str(root)

        class Chrooted(asyncssh.SFTPServer):
            def __init__(self, chan):  # type: ignore[no-untyped-def]
                super().__init__(chan, chroot=chroot)

        async def start():  # type: ignore[no-untyped-def]
            return await asyncssh.listen(
                "127.0.0.1", 0, server_host_keys=[self.host_key],
                authorized_client_keys=str(client_key), sftp_factory=Chrooted,
            )  # fmt: skip

        self.server = self.loop.run_until_complete(start())
        self.port = self.server.sockets[0].getsockname()[1]
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def known_hosts_line(self) -> str:
        return f"[127.0.0.1]:{self.port} " + self.host_key.export_public_key().decode()

    def stop(self) -> None:
        self.server.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def sftp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SftpServer]:
    """A user whose ~/.ssh holds a key the server accepts, and the server's web root."""
    import asyncssh

    pytest.importorskip("paramiko")
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    key = asyncssh.generate_private_key("ssh-ed25519")
    key.write_private_key(str(home / ".ssh" / "id_ed25519"), format_name="openssh")
    key.write_public_key(str(home / ".ssh" / "id_ed25519.pub"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    www = tmp_path / "server"
    (www / "var" / "www").mkdir(parents=True)
    server = SftpServer(www, home / ".ssh" / "id_ed25519.pub")
    yield server
    server.stop()


def test_a_web_server_over_sftp_is_published_only_once_its_key_is_known(
    built: Path, shared_cache: Path, tmp_path: Path, sftp: SftpServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    www = sftp.root / "var" / "www"
    http, url = serve_in_background(www)
    try:
        root = copy_project(built, tmp_path / "p")
        rebuilt_for(root, shared_cache, url)
        target = f"sftp://charity@127.0.0.1:{sftp.port}/var/www"
        # A server whose key is not known: refused, as ssh refuses, nothing sent.
        assert publish(root, target, "--base-url", url) == 2
        said = " ".join(capsys.readouterr().err.split())
        assert "not in ~/.ssh/known_hosts" in said and "ssh-keyscan -p" in said, said
        assert not any(www.iterdir())
        # Another server's key under its name: refused the same way.
        other = SftpServer(tmp_path / "elsewhere", Path(tmp_path / "home/.ssh/id_ed25519.pub"))
        known = Path(tmp_path / "home" / ".ssh" / "known_hosts")
        known.write_text(other.known_hosts_line().replace(str(other.port), str(sftp.port)) + "\n")
        other.stop()
        assert publish(root, target, "--base-url", url) == 2
        assert not any(www.iterdir())
        # Its own key known: published, in order, and read back over HTTP.
        known.write_text(sftp.known_hosts_line() + "\n")
        assert publish(root, target, "--base-url", url) == 0, capsys.readouterr().err
        said = capsys.readouterr().out
        assert "Read back as a podcast app does: the feed and 1 episode(s)" in said, said
        assert published_files(www) == published_files(root / "audio")
        assert not list(www.rglob("*.publishing"))  # written aside, renamed into place
        assert publish(root, target, "--base-url", url) == 0
        assert "uploaded 0 files" in capsys.readouterr().out
    finally:
        http.shutdown()


def test_an_sftp_login_refused_or_no_server_is_said_with_the_fix(
    built: Path, tmp_path: Path, sftp: SftpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(built, tmp_path / "p")
    (tmp_path / "home" / ".ssh" / "known_hosts").write_text(sftp.known_hosts_line() + "\n")
    (tmp_path / "home" / ".ssh" / "id_ed25519").unlink()  # no key the server accepts
    assert publish(root, f"sftp://charity@127.0.0.1:{sftp.port}/var/www") == 3
    said = " ".join(capsys.readouterr().err.split())
    assert "refused the login" in said and "ssh-copy-id" in said, said
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert publish(root, f"sftp://charity@127.0.0.1:{port}/var/www") == 3
    said = " ".join(capsys.readouterr().err.split())
    assert "cannot be reached" in said, said
