"""The few exceptions a user can see; each carries what went wrong, where, and the fix."""

from __future__ import annotations

from pathlib import Path


class ImnmError(Exception):
    """Base of every error the CLI prints as a message instead of a traceback."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.fix = fix
        super().__init__(self.render())

    def __reduce__(self) -> tuple[object, ...]:
        # Kept whole when it crosses a process (a Dask worker's error reaches the client
        # as the same type, with its path and fix): the keyword-only fields are state.
        return (_remade, (type(self), dict(self.__dict__)))

    def render(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}"
            if self.line is not None:
                where += f", line {self.line}"
            where += ": "
        text = where + self.message
        if self.fix:
            text += " " + self.fix
        return text


class ContentError(ImnmError):
    """Raised by the loaders when a factsheet, settings, lexicon or script file is wrong."""

    exit_code = 2


class TooShortForHold(ContentError):
    """Raised when no section of a factsheet is long enough for a hold-line message."""


class UsageError(ImnmError):
    """Raised when command-line options ask for something that does not exist."""

    exit_code = 2


class EngineError(ImnmError):
    """Raised before synthesis when an engine, voice or language cannot be used as asked."""

    exit_code = 2


class EngineUnavailable(ImnmError):
    """Raised when a speech service or a tool (ffmpeg, espeak-ng) cannot be reached or run."""

    exit_code = 3


class OutputError(ImnmError):
    """Raised when an output cannot be written (disk full, read-only folder)."""

    exit_code = 4


class ClusterUnreachable(EngineUnavailable):
    """Raised when the Dask scheduler given with --cluster cannot be reached."""


def _remade(kind: type[ImnmError], state: dict[str, object]) -> ImnmError:
    error = kind.__new__(kind)
    error.__dict__.update(state)
    Exception.__init__(error, error.render())
    return error
