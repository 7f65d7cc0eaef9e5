"""hibari: offline neural speech (7.9 MB voices distilled from Kokoro-82M), the default.

The `heart` voice is inside the hibari-tts wheel. hibari's other voices (British
`emma` and `fable`, American `fenrir` and `kore`) are published by the model's
author; hibari itself would download them on first use, which this project never
does: the engine finds voices only in the wheel and among those a user installed
(`hibari_voices.py`, `imnm-audio voices add FILE`).

Text reaches hibari as its own phonemes where the script says how a word sounds:
a respelling or a lexicon phoneme form arrives as `[[ IPA ]]` (espeak-ng's
symbols, as Piper takes them) and is turned into hibari's alphabet for the voice's
accent (`to_hibari`); a lexicon `hibari:` form in hibari's own `[word](/phonemes/)`
is passed through. Everything else goes through hibari's text normaliser and
phonemiser, a sentence at a time.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..dsp import spectral
from ..errors import EngineError, EngineUnavailable
from .base import Clip, Voice, phoneme_text_problem
from .hibari_voices import (
    BUNDLED_VOICE,
    ListedVoice,
    assets_folder,
    installed,
    registry,
)

log = logging.getLogger(__name__)

MODEL_RATE = 24000  # what hibari makes
# What the engine gives the build: 22.05 kHz, half of the episode's 44.1 kHz. An MP3
# frame (1152 samples at 44.1 kHz) is then a whole number of input samples (576), so
# chapters start on frame boundaries and the episode is joined from its chapters'
# streams: encoded once, and an edit re-encodes only its chapter. At 24 kHz a frame is
# 626.9 samples, and every build encoded the whole episode a second time (4 s of a
# 10-second build). What is lost is 11-12 kHz, above what carries speech.
SAMPLE_RATE = 22050
_ROLL_OFF_HZ = (10000.0, 11025.0)  # a raised-cosine taper to the new Nyquist frequency
# hibari's own limit: a sentence of more phonemes is spoken a clause at a time.
MAX_PHONEMES = 400
NOT_INSTALLED_FIX = "Reinstall the project (pip install -e .), which installs hibari-tts."

_IPA_RE = re.compile(r"\[\[\s*(.*?)\s*\]\]")
_OWN_RE = re.compile(r"\[([^\]\[]+)\]\(/([^)/]*)/\)")
_CLAUSE_RE = re.compile(r"(?<=[,;:—])\s+")

# espeak-ng IPA (what respellings and Piper forms are written in) to hibari's
# alphabet, longest first. hibari writes diphthongs and affricates as one letter
# (A = eɪ, I = aɪ, O = oʊ, W = aʊ, Y = ɔɪ, ʧ, ʤ), an American r-coloured vowel with
# ɹ, no length marks in American English; the British voices keep length marks,
# drop the r after a vowel and say "go" with Q (əʊ).
_COMMON = [
    ("tʃ", "ʧ"),
    ("dʒ", "ʤ"),
    ("aɪ", "I"),
    ("eɪ", "A"),
    ("aʊ", "W"),
    ("ɔɪ", "Y"),
    ("ʔ", "t"),
    ("r", "ɹ"),
    ("g", "ɡ"),
    ("ɐ", "ə"),
    ("ɬ", "l"),
]
_AMERICAN = [
    ("oʊ", "O"),
    ("ɑːɹ", "ɑɹ"),
    ("ɔːɹ", "ɔɹ"),
    ("ɜːɹ", "ɜɹ"),
    ("ɜː", "ɜɹ"),
    ("ɚ", "əɹ"),
    ("ɾ", "T"),
    ("ː", ""),
]
_BRITISH = [
    ("oʊ", "Q"),
    ("əʊ", "Q"),
    ("ɑːɹ", "ɑː"),
    ("ɔːɹ", "ɔː"),
    ("ɜːɹ", "ɜː"),
    ("ɚ", "ə"),
    ("ɛɹ", "ɛː"),
    ("ɪɹ", "ɪə"),
    ("ʊɹ", "ʊə"),
    ("æ", "a"),
    ("ɾ", "t"),
]


def to_hibari(ipa: str, british: bool = False) -> str:
    """espeak-ng IPA as hibari's phonemes for an American or a British voice:
    "ɹɪtˈʌksɪmæb" -> "ɹɪtˈʌksɪmæb", "mˌaɪoʊsˈaɪɾɪs" -> "mˌIOsˈITɪs"."""
    table = _COMMON + (_BRITISH if british else _AMERICAN)
    out = []
    i = 0
    while i < len(ipa):
        for written, said in table:
            if ipa.startswith(written, i):
                out.append(said)
                i += len(written)
                break
        else:
            out.append(ipa[i])
            i += 1
    return "".join(out)


class HibariEngine:
    name = "hibari"

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        # The noise in hibari's signal is seeded, so a sentence always sounds the same
        # (and a clip made again is the clip in the cache). IMNM_AUDIO_SEED picks
        # another take, for measuring how the check varies; it is part of the version,
        # so takes never share cached clips.
        self.seed = int(os.environ.get("IMNM_AUDIO_SEED", "0") or 0)
        self._loaded: dict[str, Any] = {}
        self._g2p: dict[bool, Any] = {}
        self._british: dict[str, bool] = {}
        self._lock = threading.Lock()
        try:
            from ..cache import code_fingerprint

            self.version = f"{metadata.version('hibari-tts')}+{code_fingerprint(__name__)[:12]}" + (
                f"+seed{self.seed}" if self.seed else ""
            )
        except metadata.PackageNotFoundError:
            self.version = "not installed"

    def status(self) -> str:
        try:
            import hibari  # noqa: F401
        except ImportError:
            return "not installed: pip install hibari-tts"
        return "offline"

    def voices(self) -> list[Voice]:
        return [self._describe(v, path) for v, path in installed().values()]

    def addable(self) -> list[ListedVoice]:
        """Voices hibari lists that are not installed (a user can add them)."""
        have = installed()
        return [v for v in registry().values() if v.name not in have]

    def _describe(self, v: ListedVoice, path: Path) -> Voice:
        where = "in the package" if v.bundled else "added"
        return Voice(
            id=v.name,
            engine=self.name,
            language=v.language,
            description=f"hibari, {v.accent} {v.gender} ({where})".replace("  ", " "),
            fingerprint=f"{v.file}:{v.sha256}",
        )

    def voice(self, voice_id: str) -> Voice:
        have = installed()
        if voice_id in have:
            return self._describe(*have[voice_id])
        listed = registry()
        if voice_id in listed:
            v = listed[voice_id]
            raise EngineError(
                f"the hibari voice '{voice_id}' ({v.accent} {v.gender}) is not installed, "
                "and imnm-audio never downloads one.",
                fix=f"Get {v.file} from the model's author (huggingface.co/"
                "maureesewilliams/hibari, folder voices/) and run "
                f"'imnm-audio voices add {v.file}'; or use voice: {BUNDLED_VOICE}.",
            )
        raise EngineError(
            f"hibari has no voice called '{voice_id}'.",
            fix=f"Installed: {', '.join(have) or 'none'}; hibari also lists "
            f"{', '.join(n for n in listed if n not in have) or 'nothing else'} "
            "('imnm-audio voices add FILE' installs one).",
        )

    def problem(self, text: str, voice: Voice) -> str | None:
        basic = phoneme_text_problem(text)
        if basic:
            return basic
        vocab = _vocab()
        if vocab:
            for match in _OWN_RE.finditer(text):
                odd = sorted({c for c in match.group(2) if c not in vocab})
                if odd:
                    return f"hibari has no phoneme {''.join(odd)!r} (in {match.group(0)})"
        return None

    def _voice_model(self, voice: Voice) -> Any:
        with self._lock:
            if voice.id not in self._loaded:
                try:
                    from hibari import Hibari
                except ImportError:
                    raise EngineUnavailable(
                        "the hibari engine is not installed.", fix=NOT_INSTALLED_FIX
                    ) from None
                have = installed()
                if voice.id not in have:
                    raise EngineError(f"the hibari voice '{voice.id}' is not installed.")
                listed, path = have[voice.id]
                model = Hibari(
                    voice=voice.id,
                    model=str(path),
                    threads=self.threads,
                    g2p=self._phonemiser(listed.british),
                )
                model.sess = _session(path, self.threads)
                self._loaded[voice.id] = model
            return self._loaded[voice.id]

    def _phonemiser(self, british: bool) -> Any:
        if british not in self._g2p:
            from hibari.g2p import G2P

            self._g2p[british] = G2P(british=british)
        return self._g2p[british]

    def british(self, voice: Voice) -> bool:
        """Whether the voice speaks with British spelling-to-sound rules."""
        if voice.id not in self._british:
            have = installed()
            self._british[voice.id] = have[voice.id][0].british if voice.id in have else False
        return self._british[voice.id]

    def phonemes(self, text: str, voice: Voice) -> list[str]:
        """The phoneme strings hibari speaks for this text, one per sentence or clause."""
        from hibari.g2p.normalize import normalize
        from hibari.tts import Hibari

        british = self.british(voice)
        g2p = self._phonemiser(british)
        chunks: list[str] = []
        for sentence in Hibari.split_sentences(text):
            # Phonemes the script gives are kept as given; only the words around them
            # go through hibari's normaliser (which would read phonemes as text).
            pieces: list[str] = []
            pos = 0
            for match in re.finditer(f"{_IPA_RE.pattern}|{_OWN_RE.pattern}", sentence):
                pieces.append(_normalized(normalize, sentence[pos : match.start()]))
                if match.group(1) is not None:
                    said = to_hibari(match.group(1), british)
                    word = "x"
                else:
                    word, said = match.group(2), match.group(3)
                pieces.append(f"[{word}](/{said}/)")
                pos = match.end()
            pieces.append(_normalized(normalize, sentence[pos:]))
            ps = g2p("".join(pieces), normalize_text=False)
            if not ps:
                continue
            if len(ps) <= MAX_PHONEMES:
                chunks.append(ps)
                continue
            current = ""
            for part in _CLAUSE_RE.split(ps):
                if current and len(current) + len(part) + 1 > MAX_PHONEMES:
                    chunks.append(current)
                    current = part
                else:
                    current = f"{current} {part}" if current else part
            if current:
                chunks.append(current)
        return chunks

    def synthesize(self, text: str, voice: Voice, rate: float) -> Clip:
        model = self._voice_model(voice)
        rng = np.random.default_rng(self.seed)
        parts = [
            np.asarray(model.from_ids(model.ids(ps), rate, rng), dtype=np.float32)
            for ps in self.phonemes(text, voice)
        ]
        audio = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        # hibari speaks about 10 dB under full scale; like Piper's sentences, a clip is
        # brought to 0.9 of full scale, so the assembly's silence threshold (-45 dBFS)
        # sits as far under the speech as it does for Piper and keeps soft first
        # sounds ("Research", "Talk").
        if len(audio):
            audio = spectral(audio, MODEL_RATE, SAMPLE_RATE, [_roll_off])[0]
        peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
        if peak >= 1e-6:
            audio = audio * np.float32(0.9 / peak)
        samples = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
        return Clip(samples=samples, sample_rate=SAMPLE_RATE)


def _session(path: Path, threads: int) -> Any:
    """hibari's ONNX Runtime session without memory patterns: with them, ONNX Runtime
    keeps a plan for every sentence length it has seen (every sentence of a factsheet
    differs), as it did for Piper."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = threads
    options.log_severity_level = 3
    options.enable_mem_pattern = False
    return onnxruntime.InferenceSession(
        str(path), sess_options=options, providers=["CPUExecutionProvider"]
    )


def _roll_off(freqs: np.ndarray) -> np.ndarray:
    """Gain 1 up to 10 kHz, falling as a half cosine to 0 at 11.025 kHz: no ringing from a
    brick wall at the new Nyquist frequency."""
    low, high = _ROLL_OFF_HZ
    where = np.clip((freqs - low) / (high - low), 0.0, 1.0)
    return 0.5 * (1.0 + np.cos(np.pi * where))


def _normalized(normalize: Any, text: str) -> str:
    """hibari's normaliser on the words between two phoneme forms, keeping the spaces
    at either end that part them from the forms."""
    if not text.strip():
        return " " if text else ""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return lead + normalize(text) + trail


@functools.cache
def _vocab() -> frozenset[str]:
    assets = assets_folder()
    if assets is None:
        return frozenset()
    path = assets / "vocab.json"
    return frozenset(json.loads(path.read_text(encoding="utf-8")))
