"""The hibari engine: real synthesis with the bundled heart voice, phonemes from
respellings and lexicon forms, and `voices add` checked against hibari's list."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import hibari
import numpy as np
import pytest

from conftest import folders, write_project
from imnm_audio.cli import main
from imnm_audio.content import Lexicon, Term
from imnm_audio.engines import get_engine
from imnm_audio.engines.hibari import HibariEngine, to_hibari
from imnm_audio.engines.hibari_voices import installed, voices_dir
from imnm_audio.errors import EngineError
from imnm_audio.pronounce import render
from test_cli import cli

BUNDLED = Path(hibari.__file__).parent / "assets" / "hibari.onnx"


@pytest.fixture(autouse=True)
def own_voices_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test installs voices into its own folder, never the user's."""
    home = tmp_path / "home"
    monkeypatch.setenv("IMNM_AUDIO_HOME", str(home))
    monkeypatch.delenv("IMNM_AUDIO_HIBARI_REGISTRY", raising=False)
    monkeypatch.delenv("IMNM_AUDIO_SEED", raising=False)
    return home


@pytest.fixture(scope="module")
def heart():  # type: ignore[no-untyped-def]
    engine = HibariEngine()
    return engine, engine.voice("heart")


def test_espeak_phonemes_become_hibaris_for_each_accent() -> None:
    # Diphthongs and affricates are one letter; American r-coloured vowels keep the r,
    # British ones drop it and keep the length mark.
    assert to_hibari("mˌaɪoʊsˈaɪɾɪs") == "mˌIOsˈITɪs"
    assert to_hibari("dɪsfˈeɪdʒiə") == "dɪsfˈAʤiə"
    assert to_hibari("ɹɪtˈʌksɪmæb") == "ɹɪtˈʌksɪmæb"
    assert to_hibari("nˈɜːs kˈɑːɹ tʃˈɔɪs") == "nˈɜɹs kˈɑɹ ʧˈYs"
    assert to_hibari("nˈɜːs kˈɑːɹ ɡˈoʊ", british=True) == "nˈɜːs kˈɑː ɡˈQ"
    assert to_hibari("kˈæt ɾ", british=True) == "kˈat t"


def test_a_respelling_reaches_hibari_as_its_phonemes(heart) -> None:  # type: ignore[no-untyped-def]
    engine, voice = heart
    lexicon = Lexicon(Path("lexicon.yaml"), (Term(term="rituximab", say="rih-TUK-sih-mab"),))
    text = render(
        "Doctors may use {rituximab}. {inflammation|IN fluh MAY shun} too.", lexicon, "hibari"
    )
    assert "[[" in text  # the script's respelling, as phonemes, not as letters
    said = " ".join(engine.phonemes(text, voice))
    # hibari alone stresses the first syllable ("ɹˈɪTəksˌɪmæb"); the lexicon's second.
    assert "ɹɪtˈʌksɪmæb" in said
    assert "ˌɪnfləmˈAʃən" in said
    assert " ˈWz" not in said and "dˈɑktəɹz mˈA jˈuz ɹɪtˈʌksɪmæb." in said


def test_a_hibari_form_in_hibaris_own_notation_is_passed_through(heart) -> None:  # type: ignore[no-untyped-def]
    engine, voice = heart
    lexicon = Lexicon(
        Path("lexicon.yaml"),
        (Term(term="IMNM", say="I M N M", engines=(("hibari", "[IMNM](/ˈI ˈɛm ˈɛn ˈɛm/)"),)),),
    )
    text = render("About {IMNM}.", lexicon, "hibari")
    assert engine.phonemes(text, voice) == ["əbˈWt ˈI ˈɛm ˈɛn ˈɛm."]
    # Piper is still given its own form (none here: say:), gTTS the words.
    assert render("About {IMNM}.", lexicon, "piper") == "About I M N M."


def test_hibari_speaks_at_22_khz_the_same_every_time(heart) -> None:  # type: ignore[no-untyped-def]
    engine, voice = heart
    one = engine.synthesize("Muscle weakness can come on over weeks.", voice, 1.0)
    two = engine.synthesize("Muscle weakness can come on over weeks.", voice, 1.0)
    assert one.sample_rate == 22050  # resampled: an MP3 frame is a whole number of samples
    assert 1.0 < one.duration < 5.0
    assert np.array_equal(one.samples, two.samples)  # a clip made again is the cached clip
    assert abs(int(np.abs(one.samples.astype(np.int32)).max()) - round(0.9 * 32767)) <= 1
    slow = engine.synthesize("Muscle weakness can come on over weeks.", voice, 0.8)
    assert slow.duration > one.duration * 1.1


def test_another_take_sounds_different_and_is_cached_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    first = HibariEngine()
    monkeypatch.setenv("IMNM_AUDIO_SEED", "2")
    second = HibariEngine()
    assert first.version != second.version  # the take is part of every clip's key
    voice = first.voice("heart")
    a = first.synthesize("Rest helps.", voice, 1.0).samples
    b = second.synthesize("Rest helps.", voice, 1.0).samples
    assert len(a) == len(b) and not np.array_equal(a, b)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("Say [[ ˈaɪ ˈɛm", "unbalanced"),
        ("Say [IMNM](/ˈaɪ ɛm✓/) now.", "no phoneme"),
        ("x" * 2001, "2001 characters"),
    ],
)
def test_hibari_refuses_unspeakable_text_before_synthesis(heart, text: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    engine, voice = heart
    assert problem in (engine.problem(text, voice) or "")


def test_a_listed_voice_that_is_not_installed_is_never_downloaded() -> None:
    with pytest.raises(EngineError) as err:
        get_engine("hibari").voice("emma")
    assert "never downloads" in str(err.value) and "voices add bf_emma.int8.onnx" in str(err.value)
    with pytest.raises(EngineError, match="no voice called 'nobody'"):
        get_engine("hibari").voice("nobody")


# ---------------------------------------------------------------- voices add


def _made_voice(tmp_path: Path) -> tuple[Path, Path]:
    """A voice file of our own (the bundled model's bytes under a new name) and a list
    that names it, in the form of hibari's voices.json."""
    voice = tmp_path / "downloads" / "test_gb.int8.onnx"
    voice.parent.mkdir(parents=True)
    # The bundled model with a doc_string appended (ONNX's ModelProto field 6): a file
    # of its own, with its own checksum, that onnxruntime still loads.
    note = b"imnm-audio test voice"
    voice.write_bytes(BUNDLED.read_bytes() + bytes([6 << 3 | 2, len(note)]) + note)
    registry = json.loads((BUNDLED.parent / "voices.json").read_text(encoding="utf-8"))
    registry["testgb"] = {
        "kokoro": "none",
        "language": "en-GB",
        "accent": "British",
        "gender": "female",
        "file": voice.name,
        "bundled": False,
        "bytes": voice.stat().st_size,
        "sha256": hashlib.sha256(voice.read_bytes()).hexdigest(),
        "british": True,
    }
    listing = tmp_path / "voices.json"
    listing.write_text(json.dumps(registry), encoding="utf-8")
    return voice, listing


def test_voices_add_installs_a_file_that_matches_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_voices_folder: Path
) -> None:
    voice, listing = _made_voice(tmp_path)
    monkeypatch.setenv("IMNM_AUDIO_HIBARI_REGISTRY", str(listing))
    done = cli("voices", "add", str(voice))
    assert done.returncode == 0, done.stderr
    assert "Installed the hibari voice 'testgb'" in done.stdout
    assert (own_voices_folder / "voices" / "hibari" / voice.name).is_file()
    listed = cli("voices", "--engine", "hibari")
    assert "testgb" in listed.stdout and "en-GB" in listed.stdout and "(added)" in listed.stdout
    # It speaks, offline, with the British phonemiser.
    engine = HibariEngine()
    british = engine.voice("testgb")
    assert british.language == "en-GB" and engine.british(british)
    assert engine.phonemes("Go to the car.", british) == ["ɡˌQ tə ðə kˈɑː."]
    assert engine.synthesize("Go to the car.", british, 1.0).duration > 0.5


@pytest.mark.parametrize("damage", ["checksum", "size", "unknown", "bundled", "missing"])
def test_voices_add_refuses_a_file_that_is_not_a_listed_voice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_voices_folder: Path, damage: str
) -> None:
    voice, listing = _made_voice(tmp_path)
    monkeypatch.setenv("IMNM_AUDIO_HIBARI_REGISTRY", str(listing))
    data = bytearray(voice.read_bytes())
    if damage == "checksum":  # same name and size, one byte changed
        data[len(data) // 2] ^= 0xFF
        voice.write_bytes(bytes(data))
        want = "SHA-256"
    elif damage == "size":  # cut short, as an interrupted download is
        voice.write_bytes(bytes(data[:-1000]))
        want = "bytes, but hibari's list says"
    elif damage == "unknown":
        voice = voice.with_name("something.onnx")
        voice.write_bytes(b"not a voice at all")
        want = "not a voice in hibari's list"
    elif damage == "bundled":
        voice = BUNDLED
        want = "comes with hibari"
    else:
        voice = voice.with_name("absent.onnx")
        want = "no file here"
    done = cli("voices", "add", str(voice))
    assert done.returncode == 2
    assert want in done.stderr and str(voice) in done.stderr
    assert not (own_voices_folder / "voices" / "hibari").exists() or not any(
        (own_voices_folder / "voices" / "hibari").iterdir()
    )
    assert "testgb" not in installed()


def test_a_british_factsheet_read_by_an_american_voice_suggests_a_british_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = write_project(tmp_path)
    factsheet = root / "content" / "tcf" / "factsheet.md"
    factsheet.write_text(
        factsheet.read_text(encoding="utf-8").replace("language: en-US", "language: en-GB"),
        encoding="utf-8",
    )
    podcast = root / "content" / "podcast.yaml"
    podcast.write_text(
        podcast.read_text(encoding="utf-8").replace("language: en-US", "language: en-GB"),
        encoding="utf-8",
    )
    code = main(["script", *folders(root)[:4]])
    assert code == 0
    code = main(["build", "--engine", "hibari", "--no-hold", "--formats", "none", *folders(root)])
    assert code == 0
    err = caplog.text
    assert "is in en-GB, read by hibari heart (en-US)" in err
    assert "voices add bf_emma.int8.onnx" in err


def test_voices_dir_follows_imnm_audio_home(own_voices_folder: Path) -> None:
    assert voices_dir() == own_voices_folder / "voices" / "hibari"


def test_a_failure_in_a_later_synthesis_publishes_nothing(tmp_path: Path) -> None:
    # With hibari, an episode is assembled while the next factsheet's clips are made;
    # when those cannot be made, the finished episode must not be published either.
    root = write_project(tmp_path)
    later = (root / "content" / "tcf" / "factsheet.md").read_text(encoding="utf-8")
    later = later.replace("Test Condition Factsheet (TCF)", "Zed Condition (ZED)")
    later = later.replace("TCF", "ZED").replace("title: ", "title: Later ", 1)
    (root / "content" / "zed").mkdir()
    (root / "content" / "zed" / "factsheet.md").write_text(later, encoding="utf-8")
    lexicon = root / "content" / "lexicon.yaml"
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8")
        + "  - term: ZED\n    say: Z E D\n    engines:\n      hibari: '[ZED](/z✓d/)'\n",
        encoding="utf-8",
    )
    code = main(["build", "-q", "--engine", "hibari", "--no-hold", *folders(root)])
    assert code == 2
    assert not (root / "audio" / "tcf").exists()  # assembled early, never published
    assert not list((root / "audio").glob(".*staging*"))
    assert not (root / "scripts").exists() or not any((root / "scripts").iterdir())


def test_low_memory_builds_the_same_bytes_as_early_assembly(tmp_path: Path) -> None:
    # Two factsheets: by default the first is assembled while the second's clips are
    # made; with --low-memory, after every clip. What is published is the same.
    outputs = {}
    for mode in ("default", "low"):
        root = write_project(tmp_path / mode)
        second = (root / "content" / "tcf" / "factsheet.md").read_text(encoding="utf-8")
        (root / "content" / "tcf-two").mkdir()
        (root / "content" / "tcf-two" / "factsheet.md").write_text(
            second.replace("It is not real.", "It is made up too."), encoding="utf-8"
        )
        extra = ["--low-memory"] if mode == "low" else []
        build = ["build", "-q", "--engine", "hibari", "--formats", "none", *extra]
        assert main([*build, *folders(root, tmp_path / "cache")]) == 0
        outputs[mode] = {
            p.relative_to(root / "audio"): p.read_bytes()
            for p in sorted((root / "audio").rglob("*"))
            if p.is_file() and p.name != ".build.json"
        }
    assert outputs["default"].keys() == outputs["low"].keys()
    assert len(outputs["default"]) > 20
    different = [p for p in outputs["default"] if outputs["default"][p] != outputs["low"][p]]
    assert different == []
