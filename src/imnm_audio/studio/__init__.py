"""The studio: the whole job in a browser, for people who do not use a command line.

`imnm-audio studio` serves a local web application (Starlette, Jinja2 templates, no
front-end build) over the same stages the command line calls; see `app.py`.
"""

from __future__ import annotations

import socket
from pathlib import Path

from ..errors import UsageError
from .security import new_token

LOCAL = "127.0.0.1"


def studio_address(host: str, port: int, token: str) -> str:
    shown = "127.0.0.1" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    return f"http://{shown}:{port}/?token={token}"


def run_studio(root: Path, host: str = LOCAL, port: int = 8765) -> None:
    """Serve the studio until interrupted; prints its address with the one-time token."""
    import uvicorn

    from .app import make_app

    if not (root / "content").is_dir():
        raise UsageError(
            f"there is no content folder in {root}.",
            fix="Start the studio from the project folder (the one holding content/), or "
            "pass --project DIR.",
        )
    try:
        probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        probe.close()
    except OSError as err:
        raise UsageError(
            f"cannot listen on {host}:{port} ({err.strerror}).",
            fix="Another program uses that port: pass --port with another number.",
        ) from err
    token = new_token()
    hosts = set() if host != LOCAL else {f"127.0.0.1:{port}", f"localhost:{port}"}
    app = make_app(root, token, hosts)
    print(f"The studio is at {studio_address(host, port, token)}", flush=True)
    print("Open that address in a browser on this computer. Ctrl-C stops the studio.")
    uvicorn.run(app, host=host, port=port, log_level="warning")
