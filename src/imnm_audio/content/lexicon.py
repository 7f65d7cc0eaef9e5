"""The pronunciation lexicon: content/lexicon.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from ..yamlio import Field, check_fields, line_of, load_yaml_file
from .common import language_problem


@dataclass(frozen=True)
class Term:
    term: str
    say: str
    engines: tuple[tuple[str, str], ...] = ()
    expand: str | None = None
    match_case: bool = True
    note: str | None = None
    derived: bool = False  # also said this way at the end of longer words (dermato-myositis)
    language: str = "en"  # the factsheets it is for: their language's primary subtag

    def spoken_for(self, engine: str) -> str:
        return dict(self.engines).get(engine, self.say)


@dataclass(frozen=True)
class Lexicon:
    path: Path
    terms: tuple[Term, ...]

    def for_language(self, language: str) -> Lexicon:
        """The entries for factsheets in this language ("pt-BR" takes those marked pt):
        an English respelling or expansion is never put into a Portuguese script."""
        code = language.replace("_", "-").split("-")[0].lower()
        chosen = tuple(t for t in self.terms if t.language == code)
        return self if len(chosen) == len(self.terms) else Lexicon(self.path, chosen)


def load_lexicon(path: Path) -> Lexicon:
    data = load_yaml_file(path)
    top = check_fields(data, [Field("terms", "list", True)], path, "the lexicon")
    terms: list[Term] = []
    seen: dict[str, int | None] = {}
    for index, raw in enumerate(top["terms"], 1):
        what = f"term {index}"
        entry = check_fields(
            raw,
            [
                Field("term", "str", True),
                Field("say", "str", True),
                Field("engines", "map"),
                Field("expand", "str"),
                Field("match_case", "bool"),
                Field("note", "str"),
                Field("derived", "bool"),
                Field("language", "str", False, language_problem),
            ],
            path,
            what,
        )
        term = entry["term"].strip()
        language = entry.get("language", "en").strip().split("-")[0].lower()
        key = term if entry.get("match_case", term != term.lower()) else term.lower()
        key = f"{language}:{key}"
        if key in seen:
            raise ContentError(
                f"'{term}' is in the lexicon twice (also line {seen[key]}).",
                path=path,
                line=line_of(raw, "term"),
                fix="Merge the two entries into one.",
            )
        seen[key] = line_of(raw, "term")
        if "TODO" in entry["say"]:
            raise ContentError(
                f"the entry for '{term}' still says TODO: the voice would read it aloud.",
                path=path,
                line=line_of(raw, "say"),
                fix="Write how it sounds in 'say:' (syllables, the stressed one in "
                "capitals: rih-TUK-sih-mab), or remove the entry.",
            )
        engines = entry.get("engines", {})
        for engine_name, form in engines.items():
            if not isinstance(form, str) or not form.strip():
                raise ContentError(
                    f"the '{engine_name}' form of '{term}' must be text.",
                    path=path,
                    line=line_of(engines, engine_name),
                )
        for form in [entry["say"], *engines.values(), entry.get("expand") or ""]:
            if form.count("[[") != form.count("]]"):
                raise ContentError(
                    f"'{term}' has unbalanced phoneme brackets in '{form}'.",
                    path=path,
                    line=line_of(raw, "say"),
                    fix="Write Piper phonemes as [[ phonemes ]].",
                )
        terms.append(
            Term(
                term=term,
                say=entry["say"].strip(),
                engines=tuple(sorted((k, v.strip()) for k, v in engines.items())),
                expand=entry.get("expand"),
                match_case=entry.get("match_case", term != term.lower()),
                note=entry.get("note"),
                derived=entry.get("derived", False),
                language=language,
            )
        )
    return Lexicon(path=path, terms=tuple(terms))
