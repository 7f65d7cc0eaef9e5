"""`imnm-audio publish TARGET`: the built `audio/` folder put where listeners reach it,
never leaving a broken feed, then read back as a podcast app reads it.

TARGET is an fsspec URL: `s3://bucket/prefix` on any S3-compatible server (the endpoint
from AWS_ENDPOINT_URL or `publish: endpoint_url:`), or a local web root
(`file:///var/www/podcast`); other fsspec URLs go through the same code (`sftp://` needs
paramiko and is not yet tested). Credentials come only from the environment or the
usual credential files.

The order keeps the live feed whole: every other file first (media, chapters,
transcripts, books, episode pages), then the library page, then the feed; files of a
factsheet that is gone are deleted only after the new feed no longer lists them. Only
files whose bytes changed are sent: a manifest of their hashes is kept on the target
(`.imnm-publish.json`), written last, so a publish stopped half way is finished by the
next one. After publishing, the feed is fetched from `base_url` over HTTP and parsed
with feedparser and podcastparser, and every enclosure is asked for as a player does:
its status, its type, and a byte range (players need `206 Partial Content` to seek)
whose total must be the length the feed gives.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .content import Podcast
from .errors import ContentError, EngineUnavailable, ImnmError, UsageError
from .publish_checks import UnknownHost, artwork_problems, known_hosts_only, show_guid, verify_feed
from .store import open_location

log = logging.getLogger(__name__)

MANIFEST = ".imnm-publish.json"
LAST = ("index.html", "feed.xml")  # the library page, then the feed: after everything else
SKIP = (".build.json", ".imnm-audio.lock")

TYPES = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".sln": "audio/x-sln",
    ".sln16": "audio/x-sln",
    ".asterisk": "text/plain; charset=utf-8",  # the dialplan lines for Asterisk
    ".ulaw": "audio/basic",  # raw G.711 mu-law, 8 kHz (RFC 2046's audio/basic)
    ".alaw": "audio/x-alaw-basic",
    ".m3u": "audio/x-mpegurl",
    ".json": "application/json",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xhtml": "application/xhtml+xml",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".epub": "application/epub+zip",
    ".smil": "application/smil+xml",
    ".opf": "application/oebps-package+xml",
    ".ncx": "application/x-dtbncx+xml",
    ".xml": "application/xml",
    ".zip": "application/zip",
}
FEED_TYPE = "application/rss+xml; charset=utf-8"
# The feed and the pages that list episodes change with every publish: apps and browsers
# ask again after five minutes. Everything else keeps its address when it is rebuilt (an
# episode's MP3 is always <slug>.mp3, as the feed's guid and the apps expect), so it is
# cached for a day, not for ever.
SHORT = "public, max-age=300"
LONG = "public, max-age=86400"


@dataclass(frozen=True)
class Item:
    name: str  # relative to audio/, with "/"
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        if self.name == "feed.xml":
            return FEED_TYPE
        return TYPES.get(posixpath.splitext(self.name)[1].lower(), "application/octet-stream")

    @property
    def cache_control(self) -> str:
        short = self.name in LAST or self.name.endswith((".html", ".json", ".xml"))
        return SHORT if short else LONG


@dataclass
class PublishReport:
    target: str
    uploaded: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)  # enclosures read back
    problems: list[str] = field(default_factory=list)  # what a podcast app would hit
    dry_run: bool = False

    def describe(self) -> str:
        sent = sum(i.size for i in self.uploaded)
        verb = "would upload" if self.dry_run else "uploaded"
        files = f"{len(self.uploaded)} file{'s' if len(self.uploaded) != 1 else ''}"
        lines = [
            f"{self.target}: {verb} {files} ({sent / 1e6:.1f} MB), "
            f"{len(self.skipped)} unchanged, "
            f"{'would delete' if self.dry_run else 'deleted'} {len(self.deleted)}."
        ]
        if self.verified:
            lines.append(
                f"Read back as a podcast app does: the feed and {len(self.verified)} "
                "episode(s), each with its length, type and a byte range."
            )
        return "\n".join(lines)


def local_items(out_dir: Path) -> list[Item]:
    """Every published file of the build, in the order it is sent: the feed last."""
    if not (out_dir / "feed.xml").is_file():
        raise UsageError(
            "there is no built podcast to publish.",
            path=out_dir,
            fix="Build it first with 'imnm-audio build' (or pass --out DIR).",
        )
    items = []
    for path in sorted(out_dir.rglob("*")):
        name = path.relative_to(out_dir).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in name.split("/")):
            continue
        if name in SKIP or name == "README.md":
            continue
        data = path.read_bytes()
        items.append(Item(name, len(data), hashlib.sha256(data).hexdigest()))
    rank = {name: i for i, name in enumerate(LAST)}
    return sorted(items, key=lambda item: (rank.get(item.name, -1), item.name))


ASIDE = ".publishing"  # a file being written on a disk or server, renamed when whole


class Target:
    """The place files are published to: one fsspec filesystem and a root in it."""

    def __init__(self, url: str, endpoint_url: str | None = None, acl: str | None = None):
        self.url = url.rstrip("/")
        self.acl = acl
        self.leftovers: list[str] = []
        # A filesystem of its own: never one fsspec kept from an earlier call with
        # other settings (another endpoint, other credentials).
        options: dict[str, Any] = {"skip_instance_cache": True}
        if self.url.startswith("s3://") and endpoint_url:
            options["client_kwargs"] = {"endpoint_url": endpoint_url}
        if self.url.startswith(("sftp://", "ssh://")):
            options["host_key_policy"] = known_hosts_only()
        try:
            self.fs, self.root = open_location(
                self.url,
                "the publishing target",
                "Use s3://bucket/prefix, sftp://user@host/path or file:///a/folder.",
                **options,
            )
        except ImnmError:
            raise
        except Exception as err:  # noqa: BLE001 - sftp connects at once: paramiko's errors
            raise self.refused(err) from None
        protocol = self.fs.protocol
        self.protocols = {protocol} if isinstance(protocol, str) else set(protocol)

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def refused(self, err: Exception) -> ImnmError:
        """A server that would not let us in is a setting to fix (exit 2); one that
        cannot be reached, a service (exit 3)."""
        import paramiko

        if isinstance(err, UnknownHost):
            return UsageError(
                f"the publishing target {self.url}: {err}",
                fix=f"Check it is your server, then trust its key once: run 'ssh "
                f"{err.where}' and answer yes (or 'ssh-keyscan {err.keyscan} >> "
                "~/.ssh/known_hosts' after comparing the fingerprint with your host's).",
            )
        if isinstance(err, paramiko.AuthenticationException) or (
            isinstance(err, paramiko.SSHException) and "authentication" in str(err).lower()
        ):
            return EngineUnavailable(
                f"the publishing target {self.url} refused the login ({err}).",
                fix="Give the user in the address (sftp://user@host/path) and let the server "
                "accept your SSH key (ssh-copy-id user@host), or load it into ssh-agent. "
                "Passwords are never kept in the project.",
            )
        return self.unreachable(err)

    def unreachable(self, err: Exception) -> EngineUnavailable:
        if self.url.startswith(("sftp://", "ssh://")):
            fix = (
                "Check the address (sftp://user@host:port/path), that the server is up and "
                "answers SSH (ssh user@host), and your network."
            )
        else:
            fix = (
                "Check the address, the server (AWS_ENDPOINT_URL or 'publish: endpoint_url:' "
                "for an S3-compatible one) and the credentials (AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY)."
            )
        return EngineUnavailable(
            f"the publishing target {self.url} cannot be reached ({err}).", fix=fix
        )

    def manifest(self) -> dict[str, str]:
        try:
            data = self.fs.cat_file(self._path(MANIFEST))
        except FileNotFoundError:
            return {}
        except Exception as err:  # noqa: BLE001 - botocore's, paramiko's own errors too
            raise self.unreachable(err) from None
        try:
            manifest = json.loads(data)
            files = {str(k): str(v) for k, v in manifest["files"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("%s: the manifest on the target is damaged; sending every file", self.url)
            return {}
        if manifest.get("sent_with") != self.sent_with():
            # Sent with another ACL, types or cache headers (acl: public-read added to a
            # private bucket): the bytes are the same, the objects are not: send again.
            log.info("%s: sent with other headers before; sending every file", self.url)
            return {}
        return files

    def sent_with(self) -> str:
        """What the objects are sent with besides their bytes: ACL, types, cache headers."""
        headers = [self.acl, FEED_TYPE, sorted(TYPES.items()), SHORT, LONG]
        return hashlib.sha256(json.dumps(headers).encode()).hexdigest()[:16]

    def sizes(self) -> dict[str, int]:
        """What is on the target now, by name: a file the manifest names that has gone
        or changed size (deleted by hand, cut short) is sent again."""
        try:
            found: dict[str, Any] = self.fs.find(self.root, detail=True)
        except FileNotFoundError:
            return {}
        except Exception as err:  # noqa: BLE001
            raise self.unreachable(err) from None
        prefix = self.root + "/" if self.root else ""
        files = {
            path[len(prefix) :]: int(info.get("size") or 0)
            for path, info in found.items()
            if info.get("type") == "file" and path.startswith(prefix)
        }
        # A file a stopped publish was writing aside: never served, removed at the end.
        self.leftovers = [name for name in files if name.endswith(ASIDE)]
        return files

    def put(self, name: str, data: bytes, content_type: str, cache_control: str) -> None:
        path = self._path(name)
        try:
            if "s3" in self.protocols or "s3a" in self.protocols:
                extra = {"ContentType": content_type, "CacheControl": cache_control}
                if self.acl:
                    extra["ACL"] = self.acl
                self.fs.pipe_file(path, data, **extra)  # one PUT: never seen half-written
                return
            # A folder or a server's disk: written aside, then renamed into place, so a
            # listener never gets half a file.
            parent = posixpath.dirname(path)
            if parent:
                self.fs.makedirs(parent, exist_ok=True)
            aside = posixpath.join(parent, f".{posixpath.basename(path)}{ASIDE}")
            self.fs.pipe_file(aside, data)
            self.fs.mv(aside, path)
        except Exception as err:  # noqa: BLE001
            raise self.unreachable(err) from None

    def remove(self, name: str) -> None:
        try:
            self.fs.rm_file(self._path(name))
        except FileNotFoundError:
            pass
        except Exception as err:  # noqa: BLE001
            raise self.unreachable(err) from None

    def same_show(self, feed: Path) -> None:
        """Refuse to overwrite another show: a feed on the target whose podcast:guid is
        not ours (or that has none: another tool's) is someone's live podcast."""
        try:
            theirs = self.fs.cat_file(self._path("feed.xml"))
        except FileNotFoundError:
            return
        except Exception as err:  # noqa: BLE001
            raise self.unreachable(err) from None
        ours = show_guid(feed.read_bytes()) if feed.is_file() else None
        other = show_guid(theirs)
        if other is not None and other == ours:
            return
        title = re.search(rb"<title>(.*?)</title>", theirs, flags=re.S)
        name = title.group(1).decode("utf-8", "replace").strip() if title else "untitled"
        raise UsageError(
            f"{self.url} already holds another show's feed ('{name}', podcast:guid "
            f"{other or 'none'}; this show's is {ours}). Publishing would replace its "
            "feed for every subscriber. Nothing was sent.",
            fix="Publish to a folder or prefix of its own. If it is this show, moved to a "
            "new address (its guid comes from the feed's address), add --force.",
        )

    def write_manifest(self, files: dict[str, str]) -> None:
        manifest = {"sent_with": self.sent_with(), "files": dict(sorted(files.items()))}
        data = json.dumps(manifest, indent=1).encode()
        self.put(MANIFEST, data, "application/json", "no-store")


def publish(
    out_dir: Path,
    podcast: Podcast,
    target_url: str | None = None,
    *,
    dry_run: bool = False,
    verify: bool = True,
    base_url: str | None = None,
    force: bool = False,
) -> PublishReport:
    """Send what changed, in an order that never breaks the live feed; then read it back."""
    settings = podcast.publish
    url = target_url or settings.target
    if not url:
        raise UsageError(
            "there is nowhere to publish to.",
            path=podcast.path,
            fix="Give the target (imnm-audio publish s3://bucket/podcast), or set it in "
            "content/podcast.yaml: 'publish:' then 'target: s3://bucket/podcast'.",
        )
    items = local_items(out_dir)
    art = artwork_problems(out_dir, items)
    if art:
        raise ContentError(
            "the artwork would be refused by the podcast directories: " + " ".join(art),
            path=podcast.artwork or podcast.path,
            fix="Give 'artwork:' in content/podcast.yaml a square RGB PNG or JPEG of "
            "1400-3000 px (or remove it to have one drawn), build, and publish again. "
            "Nothing was sent.",
        )
    target = Target(url, settings.endpoint_url, settings.acl)
    remote = target.manifest()
    there = target.sizes() if remote else {}
    if not force:
        target.same_show(out_dir / "feed.xml")
    report = PublishReport(target.url, dry_run=dry_run)
    for item in items:
        same = remote.get(item.name) == item.sha256 and there.get(item.name) == item.size
        (report.skipped if same else report.uploaded).append(item)
    names = {item.name for item in items}
    report.deleted = sorted(name for name in remote if name not in names)
    if dry_run:
        return report
    for item in report.uploaded:  # the order of `items`: the library page, then the feed, last
        data = (out_dir / item.name).read_bytes()
        target.put(item.name, data, item.content_type, item.cache_control)
        log.info("sent %s (%d bytes, %s)", item.name, item.size, item.content_type)
    for name in report.deleted:  # only now that the feed no longer lists them
        target.remove(name)
    target.write_manifest({item.name: item.sha256 for item in items})
    for name in target.leftovers:
        target.remove(name)
    if verify:
        verify_feed(base_url or podcast.base_url, report)
    return report


def published(report: PublishReport) -> None:
    """Raise, after the report is printed, when a podcast app would hit a problem."""
    if report.problems:
        raise PublishProblem(
            "published, but a podcast app reading it back hits "
            f"{len(report.problems)} problem(s): " + " ".join(report.problems),
            fix="Fix each one and publish again: files already sent are not sent again.",
        )


class PublishProblem(ImnmError):
    """What was published cannot be read back as a podcast app reads it (exit 4: the
    output is not what it should be where listeners get it)."""

    exit_code = 4
