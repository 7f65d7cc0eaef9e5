"""gTTS: Google Translate's online speech, decoded from MP3 with ffmpeg; retries with backoff."""

from __future__ import annotations

import logging
import time
from importlib import metadata

from ..errors import EngineError, EngineUnavailable
from ..ffmpeg import decode_pcm
from .base import MAX_SEGMENT_CHARS, Clip, Voice

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000  # what Google's MP3s carry
# Accents come from the Google host (tld) that answers, per gTTS's documentation.
ACCENTS: dict[str, tuple[str, str]] = {
    "en-US": ("en", "com"),
    "en-GB": ("en", "co.uk"),
    "en-AU": ("en", "com.au"),
    "en-CA": ("en", "ca"),
    "en-IN": ("en", "co.in"),
    "en-IE": ("en", "ie"),
    "en-ZA": ("en", "co.za"),
    "en-NG": ("en", "com.ng"),
    "es-ES": ("es", "es"),
    "es-MX": ("es", "com.mx"),
    "es-US": ("es", "com"),
    "fr-FR": ("fr", "fr"),
    "fr-CA": ("fr", "ca"),
    "pt-BR": ("pt", "com.br"),
    "pt-PT": ("pt", "pt"),
}
OFFLINE_MESSAGE = (
    "gTTS needs internet access to Google Translate, and it could not be reached ({cause})."
)
OFFLINE_FIX = (
    "Use --engine hibari for offline speech (the default), or try again when the "
    "network is back; clips already made are kept in the cache."
)


class GttsEngine:
    name = "gtts"
    retries = 4  # after the first try: waits of 1, 2, 4 and 8 s
    backoff_s = 1.0
    timeout_s = 15.0
    probe_timeout_s = 3.0

    def __init__(self) -> None:
        try:
            self.version = metadata.version("gTTS")
        except metadata.PackageNotFoundError:
            self.version = "not installed"

    def status(self) -> str:
        """'online: ...' with whether Google answers now (one short request)."""
        try:
            import gtts  # noqa: F401
        except ImportError:
            return "not installed: pip install gtts"
        problem = self.unreachable()
        if problem:
            return f"online engine; Google Translate cannot be reached now ({problem})"
        return "online; Google Translate reachable now"

    def unreachable(self) -> str | None:
        """Why Google Translate cannot be reached now, or None when it answers."""
        import requests

        try:
            requests.head("https://translate.google.com/", timeout=self.probe_timeout_s)
        except requests.RequestException as err:
            return type(err).__name__
        return None

    def _langs(self) -> dict[str, str]:
        from gtts.lang import tts_langs

        return dict(tts_langs())

    def voices(self) -> list[Voice]:
        voices = [self._voice(tag, lang, tld) for tag, (lang, tld) in ACCENTS.items()]
        for code, name in sorted(self._langs().items()):
            if code not in {lang for lang, _ in ACCENTS.values()} | set(ACCENTS):
                voices.append(
                    Voice(code, self.name, code, f"Google Translate, {name}", f"gtts:{code}:com")
                )
        return voices

    def _voice(self, tag: str, lang: str, tld: str) -> Voice:
        return Voice(
            tag,
            self.name,
            tag,
            f"Google Translate, {lang} via translate.google.{tld}",
            f"gtts:{lang}:{tld}",
        )

    def voice(self, voice_id: str) -> Voice:
        if voice_id in ACCENTS:
            return self._voice(voice_id, *ACCENTS[voice_id])
        langs = self._langs()
        base = voice_id.split("-")[0]
        if voice_id in langs:
            return Voice(
                voice_id,
                self.name,
                voice_id,
                f"Google Translate, {langs[voice_id]}",
                f"gtts:{voice_id}:com",
            )
        if base in langs:
            return Voice(
                voice_id,
                self.name,
                voice_id,
                f"Google Translate, {langs[base]}",
                f"gtts:{base}:com",
            )
        raise EngineError(
            f"gTTS cannot speak '{voice_id}'.",
            fix="Use a language tag such as en-US, en-GB, es or fr; "
            "'imnm-audio voices' lists them all.",
        )

    def problem(self, text: str, voice: Voice) -> str | None:
        if not text.strip():
            return "the spoken text is empty"
        if "[[" in text:
            return (
                "it contains Piper phonemes [[...]], which gTTS cannot speak; write the "
                "word in the script as a lexicon term in braces ({term}), or give its "
                "lexicon entry a 'gtts:' form"
            )
        if len(text) > MAX_SEGMENT_CHARS:
            return (
                f"the spoken text is {len(text)} characters; split it (at most {MAX_SEGMENT_CHARS})"
            )
        return None

    def _lang_tld(self, voice: Voice) -> tuple[str, str]:
        _, lang, tld = voice.fingerprint.split(":")
        return lang, tld

    def fetch_mp3(self, text: str, voice: Voice, slow: bool) -> bytes:
        """Ask Google for the MP3, retrying timeouts, 429 and 5xx answers with backoff."""
        import io

        from gtts import gTTS, gTTSError

        lang, tld = self._lang_tld(voice)
        delay = self.backoff_s
        for attempt in range(self.retries + 1):
            buffer = io.BytesIO()
            try:
                gTTS(
                    text, lang=lang, tld=tld, slow=slow, lang_check=False, timeout=self.timeout_s
                ).write_to_fp(buffer)
                data = buffer.getvalue()
                if not data:
                    raise EngineUnavailable(
                        "Google Translate answered without audio.",
                        fix="Try again later, or use --engine hibari (offline).",
                    )
                return data
            except gTTSError as err:
                status = err.rsp.status_code if err.rsp is not None else None
                retry = status is None or status == 429 or status >= 500
                if not retry or attempt == self.retries:
                    cause = f"HTTP {status}" if status else "no connection"
                    if status == 429:
                        cause = "HTTP 429: too many requests; Google is rate-limiting"
                    elif status == 200:
                        cause = "the answer had no audio"
                    raise EngineUnavailable(
                        OFFLINE_MESSAGE.format(cause=cause), fix=OFFLINE_FIX
                    ) from None
                log.warning("gTTS: %s; retrying in %.1f s", err, delay)
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def synthesize(self, text: str, voice: Voice, rate: float) -> Clip:
        # Google offers normal and slow speech only; finer rates use ffmpeg's atempo,
        # which keeps the pitch.
        slow = rate <= 0.75
        base_rate = 0.75 if slow else 1.0  # Google's slow speech is roughly 3/4 speed
        tempo = rate / base_rate
        mp3 = self.fetch_mp3(text, voice, slow)
        filters = f"atempo={tempo:.4f}" if abs(tempo - 1.0) > 0.01 else None
        try:
            samples = decode_pcm(mp3, SAMPLE_RATE, filters=filters)
        except EngineUnavailable:
            raise EngineUnavailable(
                "Google Translate's answer was not audio that ffmpeg could decode.",
                fix="Try again later, or use --engine hibari (offline).",
            ) from None
        return Clip(samples=samples, sample_rate=SAMPLE_RATE)
