"""Hold-line audio, read back with ffmpeg and numpy: formats, band, level, loop, limits."""

from __future__ import annotations

import gc
import re
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from conftest import FACTSHEET, PODCAST, decode, folders, write_project
from imnm_audio.cli import main
from imnm_audio.errors import ContentError
from imnm_audio.export.hold import active_speech_level
from imnm_audio.export.splice import read_stream
from imnm_audio.ffmpeg import ffmpeg_exe, run_ffmpeg

HOLD_FACTSHEET = (
    FACTSHEET.split("\n---\n")[0]
    + """
---

## What is TCF?

Test Condition Factsheet (TCF) is a made-up condition that affects the muscles of the
arms and legs. It is rare, and most people who have it live full and active lives with
the right support. The cause is not known.

## How is TCF treated?

Treatment usually starts with rest and gentle exercise. Doctors may also suggest
physical therapy, medicines that calm the immune system, and regular check-ups to see
how the muscles respond over the months that follow.
"""
)


@pytest.fixture(scope="module")
def hold(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    root = write_project(tmp_path_factory.mktemp("hold"), factsheet=HOLD_FACTSHEET)
    code = main(
        [
            "hold",
            "-q",
            *folders(root, shared_cache),
        ]
    )
    assert code == 0
    return root / "audio" / "hold" / "tcf"


def probe(path: Path) -> str:
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True, check=False
    )
    return done.stderr


def decode_raw(path: Path, fmt: str, rate: int) -> np.ndarray:
    raw = run_ffmpeg(
        [
            "-f",
            fmt,
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            str(path),
            "-f",
            "s16le",
            "-acodec",
            "pcm_s16le",
            "pipe:1",
        ]
    )
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return data.astype(np.float64) / 32768.0, wav.getframerate()


def band_share(x: np.ndarray, rate: int, low: float, high: float) -> float:
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / rate)
    return float(power[(freqs >= low) & (freqs < high)].sum() / power.sum())


def test_every_message_and_the_loop_come_in_every_format(hold: Path) -> None:
    names = [
        "01-welcome",
        "02-what-is-tcf",
        "03-how-is-tcf-treated",
        "04-please-hold",
        "tcf-hold-loop",
    ]
    for name in names:
        for suffix in [
            "-ulaw.wav",
            "-alaw.wav",
            "-8k.wav",
            "-16k.wav",
            ".ulaw",
            ".alaw",
            ".sln",
            ".sln16",
            ".mp3",
        ]:
            assert (hold / f"{name}{suffix}").is_file(), name + suffix


def test_file_names_are_safe_for_every_phone_system(hold: Path) -> None:
    for path in hold.rglob("[!.]*"):  # the hidden build stamp is not published
        assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*", path.name), path.name


def test_wav_codecs_rates_and_channels(hold: Path) -> None:
    expected = {
        "-ulaw.wav": "pcm_mulaw",
        "-alaw.wav": "pcm_alaw",
        "-8k.wav": "pcm_s16le",
        "-16k.wav": "pcm_s16le",
    }
    for suffix, codec in expected.items():
        info = probe(hold / f"02-what-is-tcf{suffix}")
        rate = "16000 Hz" if suffix == "-16k.wav" else "8000 Hz"
        assert f"Audio: {codec}" in info and rate in info and "mono" in info, info


def test_raw_files_decode_to_the_same_speech(hold: Path) -> None:
    reference, _ = read_wav(hold / "02-what-is-tcf-8k.wav")
    for suffix, fmt in [(".ulaw", "mulaw"), (".alaw", "alaw"), (".sln", "s16le")]:
        x = decode_raw(hold / f"02-what-is-tcf{suffix}", fmt, 8000)
        assert len(x) == len(reference)
        assert np.corrcoef(x, reference)[0, 1] > 0.99
    wide = decode_raw(hold / "02-what-is-tcf.sln16", "s16le", 16000)
    assert abs(len(wide) - 2 * len(reference)) <= 2


def test_message_durations_are_within_limits(hold: Path) -> None:
    for name in ["02-what-is-tcf", "03-how-is-tcf-treated"]:
        x, rate = read_wav(hold / f"{name}-8k.wav")
        assert 15 <= len(x) / rate <= 40, name
    loop, rate = read_wav(hold / "tcf-hold-loop-8k.wav")
    assert len(loop) / rate <= 300


def test_narrowband_files_stay_inside_the_telephone_band(hold: Path) -> None:
    for name in ["02-what-is-tcf-8k.wav", "tcf-hold-loop-8k.wav"]:
        x, rate = read_wav(hold / name)
        assert band_share(x, rate, 3400, 4001) < 0.01, name
        assert band_share(x, rate, 0, 300) < 0.02, name
    x = decode_raw(hold / "02-what-is-tcf.ulaw", "mulaw", 8000)
    assert band_share(x, 8000, 3400, 4001) < 0.01


def test_wideband_file_stays_inside_the_wideband_band(hold: Path) -> None:
    x, rate = read_wav(hold / "02-what-is-tcf-16k.wav")
    assert rate == 16000
    assert band_share(x, rate, 7000, 8001) < 0.01
    assert band_share(x, rate, 3400, 7000) > 0.01  # wideband keeps the detail above 3.4 kHz


def test_level_is_on_target_and_nothing_clips(hold: Path) -> None:
    for name in ["02-what-is-tcf-8k.wav", "03-how-is-tcf-treated-8k.wav", "tcf-hold-loop-8k.wav"]:
        x, rate = read_wav(hold / name)
        assert abs(active_speech_level(x, rate) - (-23.0)) <= 2.0, name
        assert np.abs(x).max() < 10 ** (-2.5 / 20), name
    ulaw = decode_raw(hold / "tcf-hold-loop.ulaw", "mulaw", 8000)
    assert abs(active_speech_level(ulaw, 8000) - (-23.0)) <= 2.0


def test_loop_joins_without_a_click(hold: Path) -> None:
    for name in ["tcf-hold-loop-8k.wav", "tcf-hold-loop-16k.wav"]:
        x, rate = read_wav(hold / name)
        edge = rate // 200  # 5 ms
        assert np.abs(x[:edge]).max() < 0.01 and np.abs(x[-edge:]).max() < 0.01
        assert abs(x[-1] - x[0]) < 0.005


def test_loop_contains_every_message_with_gaps(hold: Path) -> None:
    loop, rate = read_wav(hold / "tcf-hold-loop-8k.wav")
    parts = sum(
        len(read_wav(hold / f"{n}-8k.wav")[0])
        for n in ["01-welcome", "02-what-is-tcf", "03-how-is-tcf-treated", "04-please-hold"]
    )
    gaps = (len(loop) - parts) / rate
    assert 3 * 2.0 <= gaps <= 4 * 3.0  # three or four gaps of 2-3 s


def test_asterisk_class_points_at_the_loop(hold: Path) -> None:
    conf = (hold / "asterisk" / "musiconhold.conf").read_text()
    assert "[tcf]" in conf and "mode=playlist" in conf
    assert "entry=/var/lib/asterisk/moh/tcf/tcf-hold-loop" in conf


def test_hold_script_is_reviewable_and_slower(hold: Path) -> None:
    from imnm_audio.script import load_script

    script = load_script(hold.parents[2] / "scripts" / "tcf.hold.yaml")
    assert script.voice.rate < 1.0
    assert [c.id for c in script.chapters] == [
        "welcome",
        "what-is-tcf",
        "how-is-tcf-treated",
        "please-hold",
    ]
    assert script.chapters[0].segments[0].spoken == "Thank you for calling Test Charity."
    assert all("example dot org" in c.segments[-1].spoken for c in script.chapters[1:3])


def test_active_speech_level_of_a_known_signal() -> None:
    rate = 8000
    t = np.arange(rate) / rate
    tone = 0.1 * np.sin(2 * np.pi * 1000 * t)
    x = np.concatenate([tone, np.zeros(rate * 2), tone])
    # P.56 counts 0.2 s of hangover after each burst as active: 2.4 s in all.
    expected = 10 * np.log10(np.sum(x**2) / (2.4 * rate))
    assert abs(active_speech_level(x, rate) - expected) < 0.5
    assert active_speech_level(np.zeros(800), rate) == -np.inf


def test_hangover_counted_from_runs_matches_counting_sample_by_sample() -> None:
    from imnm_audio.export.hold import _active_with_hangover

    rng = np.random.default_rng(3)
    hangover = 40
    for density in (0.001, 0.02, 0.3, 0.9):
        active = rng.random(5000) < density
        active[-1] = density > 0.5  # a run that reaches the end, or not
        # Sample by sample: active when any of this and the `hangover` samples before is.
        counts = np.concatenate([[0], np.cumsum(active)])
        n = np.arange(len(active))
        window = counts[n + 1] - counts[np.maximum(n - hangover, 0)]
        assert _active_with_hangover(active, hangover) == np.count_nonzero(window), density
    assert _active_with_hangover(np.zeros(100, dtype=bool), hangover) == 0


def test_one_voice_load_for_all_factsheets_and_none_held_during_assembly(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weakref

    from imnm_audio.engines import piper
    from imnm_audio.pipeline import episode, run, synthesis

    loaded: list[weakref.ref] = []  # type: ignore[type-arg]
    alive_at_assembly: list[int] = []
    made: list[weakref.ref] = []  # type: ignore[type-arg]
    clips_held_after_synthesis: list[int] = []
    load_voice, assemble = piper._load_voice, episode.assemble
    synthesize, release = synthesis.synthesize, run.release_engines

    def watched_synthesize(*args, **kwargs):  # type: ignore[no-untyped-def]
        synthesis = synthesize(*args, **kwargs)
        made.extend(weakref.ref(clip.samples) for clip in synthesis.clips)
        return synthesis

    def watched_release() -> None:
        gc.collect()
        clips_held_after_synthesis.append(sum(r() is not None for r in made))
        release()

    def counting_load(voice_class, model):  # type: ignore[no-untyped-def]
        voice = load_voice(voice_class, model)
        loaded.append(weakref.ref(voice))
        return voice

    def watched_assemble(*args, **kwargs):  # type: ignore[no-untyped-def]
        alive_at_assembly.append(sum(r() is not None for r in loaded))
        return assemble(*args, **kwargs)

    monkeypatch.setattr(piper, "_load_voice", counting_load)
    monkeypatch.setattr(episode, "assemble", watched_assemble)
    monkeypatch.setattr(synthesis, "synthesize", watched_synthesize)
    monkeypatch.setattr(run, "release_engines", watched_release)
    # Two factsheets, each with a new sentence in the section both scripts read: both
    # factsheets' episodes and hold lines need new clips.
    for slug, words in (("tcf", "not yet known"), ("tcf-two", "not known yet")):
        sheet = HOLD_FACTSHEET.replace("The cause is not known.", f"The cause is {words}.")
        root = write_project(tmp_path, factsheet=sheet, slug=slug)
    assert main(["build", "-q", "--formats", "none", *folders(root, shared_cache)]) == 0
    for slug in ("tcf", "tcf-two"):
        assert (root / "audio" / slug / f"{slug}.mp3").is_file()
        assert (root / "audio" / "hold" / slug / f"{slug}-hold-loop-8k.wav").is_file()
    assert len(loaded) == 1  # one voice load for the whole build
    assert alive_at_assembly == [0, 0]  # and no voice in memory while assembling
    # Clips are read back from the cache for assembly: the first phase holds none of
    # them, so many factsheets' clips do not pile up while the voice is loaded.
    assert len(made) > 0
    assert clips_held_after_synthesis == [0]


def test_factsheet_too_short_for_a_message_is_a_clear_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "hold",
            *folders(project),
        ]
    )
    assert code == 2
    assert "too short for a hold-line message" in capsys.readouterr().err
    assert not (project / "audio").exists()


def test_message_longer_than_the_maximum_is_a_clear_error(
    tmp_path: Path, shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(
        tmp_path, factsheet=HOLD_FACTSHEET, podcast=PODCAST + "hold:\n  max_message_s: 16\n"
    )
    code = main(
        [
            "hold",
            *folders(root, shared_cache),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "the hold message 'what-is-tcf' lasts" in err and "15 to 16 s" in err
    assert not (root / "audio" / "hold" / "tcf").exists()


def test_hold_settings_are_validated(tmp_path: Path) -> None:
    from imnm_audio.content import load_podcast

    write_project(tmp_path, podcast=PODCAST + "hold:\n  level_dbov: 0\n")
    with pytest.raises(ContentError, match="'level_dbov' in 'hold' must be between -36 and -12"):
        load_podcast(tmp_path / "content" / "podcast.yaml")


def test_g711_is_ffmpegs_encoding_of_every_sample_value(tmp_path: Path) -> None:
    from imnm_audio.export.hold import _g711_wav, g711

    x = np.arange(-32768, 32768, dtype=np.int32).astype(np.int16)
    x = np.append(x, x[:1])  # an odd count: the WAV's data chunk gets a pad byte
    raw = tmp_path / "all.s16"
    raw.write_bytes(x.astype("<i2").tobytes())
    for law, codec in (("ulaw", "pcm_mulaw"), ("alaw", "pcm_alaw")):
        bare, wav = tmp_path / law, tmp_path / f"{law}.wav"
        exact = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]
        run_ffmpeg(
            ["-f", "s16le", "-ar", "8000", "-ac", "1", "-i", str(raw)]
            + ["-c:a", codec, "-f", "mulaw" if law == "ulaw" else "alaw", "-y", str(bare)]
            + ["-c:a", codec, *exact, "-f", "wav", "-y", str(wav)]
        )
        assert g711(x, law) == bare.read_bytes()
        assert _g711_wav(g711(x, law), law) == wav.read_bytes()


def test_each_message_is_encoded_once_for_its_file_and_the_loop(
    hold: Path, tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from imnm_audio.pipeline import encoding

    cache = tmp_path / "cache"
    shutil.copytree(shared_cache, cache)
    for stream in cache.rglob("*.mp3"):  # the clips are kept; nothing encoded is
        stream.unlink()
    encoded: list[int] = []
    encode = encoding.encode_mp3

    def counting(samples: np.ndarray, *args: object, **kwargs: object) -> None:
        encoded.append(len(samples))
        encode(samples, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(encoding, "encode_mp3", counting)
    root = write_project(tmp_path / "p", factsheet=HOLD_FACTSHEET)
    assert main(["hold", "-q", *folders(root, cache)]) == 0
    # Four messages, then the loop's gaps: the same silence each time, and the last
    # gap (which ends the loop, so keeps the samples the encoder adds) once more.
    assert len(encoded) == 4 + 2
    assert sorted(encoded[4:])[1] - sorted(encoded[4:])[0] > 0


def test_loop_mp3_is_joined_from_its_pieces_and_decodes_to_the_loop(hold: Path) -> None:
    wide, rate = read_wav(hold / "tcf-hold-loop-16k.wav")
    assert "rror" not in probe(hold / "tcf-hold-loop.mp3")
    decoded = decode(hold / "tcf-hold-loop.mp3", rate).astype(np.float64) / 32768.0
    assert len(decoded) == len(wide)  # gapless: the Info frame's delay and padding hold
    noise = np.sum((decoded - wide) ** 2)
    assert 10 * np.log10(np.sum(wide**2) / noise) > 10  # in place, sample for sample
    # The loop's files are the message files and silence, in the loop's order.
    welcome, _ = read_wav(hold / "01-welcome-16k.wav")
    assert np.array_equal(wide[: len(welcome)], welcome)
    # Each message is encoded once: its MP3's frames are the loop's, byte for byte, and
    # hold the message and at most a frame (36 ms) of silence after it.
    loop = (hold / "tcf-hold-loop.mp3").read_bytes()
    for name in ["01-welcome", "02-what-is-tcf", "03-how-is-tcf-treated", "04-please-hold"]:
        message = read_stream((hold / f"{name}.mp3").read_bytes())
        assert message.audio in loop
        decoded = decode(hold / f"{name}.mp3", rate).astype(np.float64) / 32768.0
        speech, _ = read_wav(hold / f"{name}-16k.wav")
        assert 0 <= len(decoded) - len(speech) < 576
        assert np.abs(decoded[len(speech) :]).max(initial=0) < 0.01
        noise = np.sum((decoded[: len(speech)] - speech) ** 2)
        assert 10 * np.log10(np.sum(speech**2) / noise) > 10
