"""The studio: the whole job in a browser, for people who do not use a command line.

`imnm-audio studio` serves a local web application (Starlette, Jinja2 templates, no
front-end build) over the same stages the command line calls; see `app.py`.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from pathlib import Path

from ..errors import UsageError
from .security import new_token

log = logging.getLogger(__name__)


def studio_address(host: str, port: int, token: str) -> str:
    shown = "127.0.0.1" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    return f"http://{shown}:{port}/?token={token}"


def loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def host_names(host: str, port: int) -> set[str]:
    """The Host headers the studio answers to: the names `host` is reached by (on every
    address, this computer's names and addresses too); never any other name, so a page
    elsewhere cannot reach it through a name of its own (DNS rebinding)."""
    names = {host, f"[{host}]"} if ":" in host else {host}
    if loopback(host) or host in ("0.0.0.0", "::"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if host in ("0.0.0.0", "::"):
        machine = {socket.gethostname(), socket.getfqdn()}
        for name in list(machine):
            try:
                machine |= {info[4][0] for info in socket.getaddrinfo(name, None)}
            except OSError:
                pass
        names |= {f"[{n}]" if ":" in n else n for n in machine}
    return {f"{name}:{port}" for name in names}


def run_studio(root: Path, host: str, port: int, *, allow_remote: bool = False) -> None:
    """Serve the studio until interrupted; prints its address with the one-time token."""
    import uvicorn

    from .app import make_app

    if not (root / "content").is_dir():
        raise UsageError(
            f"there is no content folder in {root}.",
            fix="Start the studio from the project folder (the one holding content/), or "
            "pass --project DIR.",
        )
    if not loopback(host) and not allow_remote:
        raise UsageError(
            f"--host {host} lets other computers reach the studio, which speaks plain HTTP.",
            fix="Leave --host out (this computer only), or add --allow-remote if everyone "
            "on that network may see what passes.",
        )
    # The socket is bound and listening before the address is printed, so whoever opens
    # the address at once (a person, a script, a test) finds the studio answering, and
    # no other program can take the port between a check and the start.
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Each answer sent at once (connections accepted from this socket inherit it):
        # without it, a page written in two pieces waited 40 ms for the browser's
        # delayed acknowledgement (`make bench-studio`: pages at 48-72 ms, not 4-16).
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listener.bind((host, port))
        listener.listen(128)
    except OSError as err:
        listener.close()
        raise UsageError(
            f"cannot listen on {host}:{port} ({err.strerror}).",
            fix="Another program uses that port: pass --port with another number.",
        ) from err
    token = new_token()
    app = make_app(root, token, host_names(host, port))
    if not loopback(host):
        log.warning(
            "the studio is reachable from other computers at %s:%d and speaks plain HTTP: "
            "anyone on the network can read what passes.",
            host,
            port,
        )
    print(
        f"The studio is at {studio_address(host, port, token)}\n"
        "Open that address in a browser on this computer. Ctrl-C stops the studio.",
        flush=True,
    )
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()
