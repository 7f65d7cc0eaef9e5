"""Safe YAML reading with line numbers, and the field checks every loader shares."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of each key (1-based, in the file)."""

    lines: dict[str, int]
    line: int


# libyaml's parser where PyYAML has it (several times faster on a script), else Python's.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader whose mappings remember where their keys stand."""

    line_offset = 0


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    mapping = Mapping()
    mapping.lines = {}
    mapping.line = node.start_mark.line + 1 + loader.line_offset
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        line = key_node.start_mark.line + 1 + loader.line_offset
        if key in mapping:
            raise ContentError(
                f"'{key}' appears twice.", line=line, fix="Keep one of the two entries."
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> Any:
    """Parse YAML safely: no object tags, no anchors or aliases (they allow alias bombs)."""
    try:
        for event in yaml.parse(text, Loader=_SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                raise ContentError(
                    "YAML anchors and aliases (& and *) are not allowed in content files.",
                    path=path,
                    line=mark.line + 1 + line_offset if mark else None,
                    fix="Write the value out in full.",
                )
        loader = _LineLoader(text)
        loader.line_offset = line_offset
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except ContentError as err:
        if err.path is None:
            raise ContentError(err.message, path=path, line=err.line, fix=err.fix) from None
        raise
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise ContentError(
            f"this is not valid YAML ({problem}).",
            path=path,
            line=line,
            fix="Check the indentation and quoting on that line; quote text "
            "that contains ': ' or starts with a special character.",
        ) from None


def read_text(path: Path) -> str:
    """Read a UTF-8 text file, turning every way it can fail into a ContentError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(
            "the file does not exist.", path=path, fix="Check the path, or create the file."
        ) from None
    except IsADirectoryError:
        raise ContentError("this is a folder, not a file.", path=path) from None
    except OSError as err:
        raise ContentError(f"the file cannot be read ({err.strerror}).", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ContentError(
            "the file is not UTF-8 text.",
            path=path,
            line=line,
            fix="Save it as UTF-8 in your editor.",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ContentError(
            "the file contains a NUL character.",
            path=path,
            line=line,
            fix="Remove it; content files are plain text.",
        )
    return text.removeprefix("\ufeff")


def load_yaml_file(path: Path) -> Any:
    return parse_yaml(read_text(path), path)


@dataclass(frozen=True)
class Field:
    """One allowed key of a mapping: its type check and whether it must be there."""

    name: str
    kind: str  # "str", "int", "float", "bool", "list", "map", "any"
    required: bool = False
    check: Callable[[Any], str | None] | None = None  # returns a problem, or None


_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list,),
    "map": (dict,),
    "any": (object,),
}
_KIND_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
    "map": "a mapping of keys to values",
    "any": "a value",
}


def line_of(data: Any, key: str | None = None) -> int | None:
    if isinstance(data, Mapping):
        if key is not None and key in data.lines:
            return data.lines[key]
        return data.line
    return None


def check_fields(data: Any, fields: list[Field], path: Path, what: str) -> dict[str, Any]:
    """Validate a mapping against its fields: unknown keys, missing keys, wrong types."""
    if not isinstance(data, dict):
        raise ContentError(
            f"{what} must be a mapping of keys to values, not {_describe(data)}.",
            path=path,
            line=line_of(data),
            fix="Known fields: " + ", ".join(f.name for f in fields) + ".",
        )
    known = {f.name: f for f in fields}
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"Did you mean '{close[0]}'? " if close else ""
            raise ContentError(
                f"'{key}' is not a known field of {what}.",
                path=path,
                line=line_of(data, key),
                fix=hint + "Known fields: " + ", ".join(known) + ".",
            )
    out: dict[str, Any] = {}
    for f in fields:
        if f.name not in data or data[f.name] is None:
            if f.required:
                raise ContentError(
                    f"{what} has no '{f.name}'.",
                    path=path,
                    line=line_of(data),
                    fix=f"Add '{f.name}:' with {_KIND_WORDS[f.kind]}.",
                )
            continue
        value = data[f.name]
        ok = isinstance(value, _KINDS[f.kind]) and not (
            f.kind in ("int", "float") and isinstance(value, bool)
        )
        if not ok:
            raise ContentError(
                f"'{f.name}' in {what} must be {_KIND_WORDS[f.kind]}, not {_describe(value)}.",
                path=path,
                line=line_of(data, f.name),
                fix='Quote text values, e.g. title: "...".' if f.kind == "str" else None,
            )
        if f.kind == "str" and not value.strip():
            raise ContentError(
                f"'{f.name}' in {what} is empty.",
                path=path,
                line=line_of(data, f.name),
                fix="Give it a value or remove it.",
            )
        if f.check is not None:
            problem = f.check(value)
            if problem:
                raise ContentError(
                    f"'{f.name}' in {what} {problem}", path=path, line=line_of(data, f.name)
                )
        out[f.name] = value
    return out


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        return f"text ('{value[:30]}')"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def block_end(lines: list[str], begin: int, next_start: int | None = None) -> int:
    """The line after the block that starts at line `begin` (a key and its value, a list
    entry): up to `next_start`, or to the next line that is not part of it (indented no
    deeper), leaving the blank lines and comments that lead the next block with it."""
    indent = len(lines[begin]) - len(lines[begin].lstrip())
    end = begin + 1
    stop = next_start if next_start is not None else len(lines)
    while end < stop:
        line = lines[end]
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            if len(line) - len(line.lstrip()) <= indent:
                break
        end += 1
    # Blank lines and comments just before the next entry belong to it.
    while end > begin + 1 and (
        not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
    ):
        end -= 1
    return end
