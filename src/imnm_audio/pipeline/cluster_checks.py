"""What a cluster is asked before any work is sent to it: is the address a Dask
scheduler at all (`not_a_scheduler`, a handshake read by hand with its own deadline),
do its workers run this imnm-audio (`check_versions`), can they speak the build's voices
(`check_voices`). `cluster.py` (the build) and `check/cluster.py` (the check) call them."""

from __future__ import annotations

import socket
import struct
from pathlib import Path
from typing import Any

from ..errors import ClusterUnreachable, EngineError, UsageError
from .cluster_task import voice_problem, worker_identity

CONNECT_SECONDS = 10


HANDSHAKE_SECONDS = 3
_HANDSHAKE_LIMIT = 1 << 20  # a scheduler's first message is tens of bytes


def not_a_scheduler(address: str) -> None:
    """Refuse, within seconds, an address where no Dask scheduler answers.

    A scheduler speaks first: on a TCP connection it sends its handshake at once (a
    little-endian length, a frame count, frame lengths, then msgpack naming "python"
    and "pickle-protocol"). Dask's client, pointed at a web server (the dashboard's
    port, an object store) waited for it for more than 11 minutes, and read an SSH
    server's banner as a message 2.82 EiB long. So the address is asked first, by hand,
    with its own deadline. Only plain tcp:// (Dask's default) is asked; tls:// and the
    others are left to Dask."""
    scheme, _, rest = address.rpartition("://")
    if scheme not in ("", "tcp"):
        return
    host, _, port = rest.rstrip("/").rpartition(":")
    if not host or not port.isdigit():
        return  # Dask says what is wrong with the address
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS) as sock:
            sock.settimeout(HANDSHAKE_SECONDS)
            first = b""
            try:
                while len(first) < 24:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    first += chunk
            except TimeoutError:
                pass
    except OSError:
        return  # cannot connect: Dask's own error says so, and the fix is the same
    total, frames = struct.unpack_from("<QQ", first) if len(first) >= 16 else (0, 0)
    if 0 < total <= _HANDSHAKE_LIMIT and 0 < frames <= 16 and len(first) >= 24:
        return
    if not first:
        said = f"it accepted the connection but said nothing in {HANDSHAKE_SECONDS} s, as a "
        said += "web server does (the dashboard's port, 8787, or an object store's)"
    else:
        shown = first[:40].decode("ascii", "replace")
        shown = "".join(c if c.isprintable() else "." for c in shown)
        said = f"it began with '{shown}', which a Dask scheduler never sends"
    raise ClusterUnreachable(
        f"{address} is not a Dask scheduler: {said}.",
        fix="Give the scheduler's own address, as 'dask scheduler' prints it "
        "('Scheduler at: tcp://host:8786'); the dashboard and other services have ports "
        "of their own.",
    )


def check_versions(client: Any) -> None:
    """Refuse, before any task, a cluster with a worker that runs other imnm-audio code:
    an older one failed a task with a bare ModuleNotFoundError, and a slightly older one
    ran silently, its stamps making the next build rebuild everything."""
    from .. import __version__
    from ..cache import package_fingerprint

    ours = package_fingerprint()
    answers = client.run(worker_identity, on_error="return")
    workers = client.scheduler_info().get("workers", {})
    problems = []
    for address, answer in sorted(answers.items()):
        about = workers.get(address, {})
        who = f"{address} (host {about.get('host', '?')}, name {about.get('name', '?')})"
        if isinstance(answer, BaseException):
            problems.append(
                f"the worker {who} cannot run this imnm-audio's code "
                f"({type(answer).__name__}: {answer}): it has another version, or none"
            )
        elif answer.get("fingerprint") != ours:
            problems.append(
                f"the worker {who} runs imnm-audio {answer.get('version')} from other "
                f"source (fingerprint {str(answer.get('fingerprint'))[:12]}; this one: "
                f"{__version__}, {ours[:12]})"
            )
    if problems:
        raise UsageError(
            f"{len(problems)} of the cluster's workers would build with other code: "
            + "; ".join(problems)
            + ". Nothing was built.",
            fix="Install this same imnm-audio on every worker (the same release, or the "
            "same working copy: pip install the same commit) and restart them, or stop "
            "those workers.",
        )


def check_voices(client: Any, voices: list[tuple[str, str, dict[str, Path]]]) -> None:
    """Refuse, before any task, a cluster whose workers cannot speak with every voice."""
    problems = {w: p for w, p in client.run(voice_problem, voices).items() if p}
    if problems:
        named = "; ".join(f"the worker {w}: {p}" for w, p in sorted(problems.items()))
        raise EngineError(
            f"{len(problems)} of the cluster's workers cannot speak this build's voices: {named}.",
            fix="Install the same imnm-audio and voices on every worker ('imnm-audio "
            "voices add FILE' for an added hibari voice, with the same IMNM_AUDIO_HOME), "
            "or stop that worker.",
        )
