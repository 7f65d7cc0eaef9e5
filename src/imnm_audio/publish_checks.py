"""What publishing checks before it sends and after: the covers the podcast directories
would refuse (`artwork_problems`), the SFTP server's key against ~/.ssh/known_hosts
(`known_hosts_only`), the show a feed belongs to (`show_guid`), and the feed read back
over HTTP as a podcast app reads it (`verify_feed`). `publish.py` calls them."""

from __future__ import annotations

import io
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .publish import Item, PublishReport


def show_guid(feed: bytes) -> str | None:
    found = re.search(rb"<podcast:guid>\s*([^<\s]+)\s*</podcast:guid>", feed)
    return found.group(1).decode("ascii", "replace") if found else None


class UnknownHost(Exception):
    def __init__(self, host: str, port: int, fingerprint: str) -> None:
        self.where = host if port == 22 else f"-p {port} {host}"
        self.keyscan = host if port == 22 else f"-p {port} {host}"
        super().__init__(
            f"the server's SSH key ({fingerprint}) is not in ~/.ssh/known_hosts, so it "
            "cannot be told from another machine pretending to be it. Nothing was sent."
        )


def known_hosts_only() -> Any:
    """A paramiko host-key policy that connects only to a server whose key is in
    ~/.ssh/known_hosts (as ssh with StrictHostKeyChecking): fsspec's default trusts
    any key, which would hand the charity's files and login to whoever answers."""
    import paramiko

    class KnownHostsOnly(paramiko.MissingHostKeyPolicy):
        def missing_host_key(self, client: Any, hostname: str, key: Any) -> None:
            known = paramiko.HostKeys()
            path = Path("~/.ssh/known_hosts").expanduser()
            if path.is_file():
                known.load(str(path))
            if known.check(hostname, key):
                return
            name, _, port = hostname.removeprefix("[").partition("]:")
            fingerprint = key.get_name() + " SHA256:" + key.fingerprint.partition(":")[2]
            raise UnknownHost(name, int(port or 22), fingerprint)

    return KnownHostsOnly()


ARTWORK_PIXELS = (1400, 3000)  # Apple Podcasts' and Spotify's square sizes
ARTWORK_FORMATS = {"JPEG", "PNG"}


def artwork_problems(out_dir: Path, items: list[Item]) -> list[str]:
    """What the big directories would refuse in the show's and episodes' covers: not
    square, outside 1400-3000 px, not a JPEG or PNG, not RGB (CMYK, grey, a palette, an
    alpha channel)."""
    from PIL import Image, UnidentifiedImageError

    problems = []
    for item in items:
        if PurePosixPath(item.name).stem != "cover":
            continue
        try:
            with Image.open(out_dir / item.name) as image:
                kind, (width, height), mode = image.format, image.size, image.mode
        except (UnidentifiedImageError, OSError):
            problems.append(f"{item.name} is not an image.")
            continue
        low, high = ARTWORK_PIXELS
        if kind not in ARTWORK_FORMATS:
            problems.append(f"{item.name} is a {kind} image, not a JPEG or PNG.")
        if width != height:
            problems.append(f"{item.name} is {width} x {height} px, not square.")
        elif not low <= width <= high:
            problems.append(f"{item.name} is {width} px square, not {low}-{high} px.")
        if mode != "RGB":
            problems.append(f"{item.name} is in {mode} colour, not RGB.")
    return problems


def verify_feed(base_url: str, report: PublishReport) -> None:
    """The feed and every enclosure, as a podcast app sees them; each problem named."""
    import feedparser
    import httpx
    import podcastparser

    feed_url = base_url.rstrip("/") + "/feed.xml"
    try:
        with httpx.Client(timeout=30, follow_redirects=True) as client:
            answer = client.get(feed_url)
            if answer.status_code != 200:
                report.problems.append(_status_problem(feed_url, answer.status_code))
                return
            kind = answer.headers.get("content-type", "")
            if "xml" not in kind:
                report.problems.append(
                    f"the feed {feed_url} is served as '{kind}', not as XML: some apps refuse it."
                )
            parsed = feedparser.parse(answer.content)
            if parsed.bozo and not parsed.entries:
                why = parsed.get("bozo_exception")
                report.problems.append(f"the feed {feed_url} does not parse ({why}).")
                return
            gpodder = podcastparser.parse(feed_url, io.BytesIO(answer.content))
            lengths = {
                e["url"]: int(e.get("file_size") or 0)
                for episode in gpodder.get("episodes", [])
                for e in episode.get("enclosures", [])
            }
            for url, length in lengths.items():
                problem = _enclosure_problem(client, url, length)
                if problem:
                    report.problems.append(problem)
                else:
                    report.verified.append(url)
    except httpx.HTTPError as err:
        report.problems.append(f"{feed_url} cannot be reached ({err}).")


def _status_problem(url: str, status: int) -> str:
    why = {
        403: "refused (403): the files are not public. For S3, set 'publish: acl: "
        "public-read' in content/podcast.yaml, or give the bucket a policy that lets "
        'anyone read it (README, "Publishing")',
        404: "not found (404): base_url in content/podcast.yaml may not be where the "
        "target is served from",
    }
    return f"{url}: " + why.get(status, f"answered {status}") + "."


def _enclosure_problem(client: Any, url: str, length: int) -> str | None:
    answer = client.get(url, headers={"Range": "bytes=0-1"})
    if answer.status_code not in (200, 206):
        return _status_problem(url, answer.status_code)
    if answer.status_code != 206:
        return f"{url} does not answer byte ranges (206): players cannot seek in it."
    kind = answer.headers.get("content-type", "")
    if not kind.startswith("audio/mpeg"):
        return f"{url} is served as '{kind}', not audio/mpeg."
    total = answer.headers.get("content-range", "").rpartition("/")[2]
    if not total.isdigit() or int(total) != length:
        return f"{url} is {total or 'of unknown'} bytes, but the feed says {length}."
    return None
